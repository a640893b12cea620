package dev.alexnet4j.backend.nd4j.integration;

import com.google.inject.AbstractModule;
import dev.alexnet4j.api.layer.LayerTypes;

/** The user's Guice module, named only in config: {@code alexnet4j.modules = [this class]}. */
public final class LeakyReluModule extends AbstractModule {
  @Override
  protected void configure() {
    LayerTypes.register(binder(), LeakyReluLayer.TYPE, LeakyReluLayer.Factory.class);
  }
}
