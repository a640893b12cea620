package com.example.tanh;

import com.google.inject.AbstractModule;
import dev.alexnet4j.api.layer.LayerTypes;

/** Adds layer type {@code tanh}; a config names it: {@code alexnet4j.modules = [this class]}. */
public final class TanhModule extends AbstractModule {
  @Override
  protected void configure() {
    LayerTypes.register(binder(), TanhFactory.TYPE, TanhFactory.class);
  }
}
