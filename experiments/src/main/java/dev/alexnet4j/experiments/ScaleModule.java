package dev.alexnet4j.experiments;

import com.google.inject.AbstractModule;
import dev.alexnet4j.api.layer.LayerTypes;

/** Adds layer type {@code scale} ({@link ScaleLayer}); a config lists it in alexnet4j.modules. */
public final class ScaleModule extends AbstractModule {
  @Override
  protected void configure() {
    LayerTypes.register(binder(), ScaleLayer.TYPE, ScaleLayer.Factory.class);
  }
}
