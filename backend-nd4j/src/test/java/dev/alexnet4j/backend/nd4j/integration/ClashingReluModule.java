package dev.alexnet4j.backend.nd4j.integration;

import com.google.inject.AbstractModule;
import dev.alexnet4j.api.layer.LayerTypes;

/** A user's module that registers a type the framework has already: {@code relu}. */
public final class ClashingReluModule extends AbstractModule {
  @Override
  protected void configure() {
    LayerTypes.register(binder(), "relu", LeakyReluLayer.Factory.class);
  }
}
