package dev.alexnet4j.experiments;

import com.google.inject.AbstractModule;
import dev.alexnet4j.api.layer.LayerTypes;

/**
 * Adds layer type {@code tanh} the way a user's plug-in does (README, "Adding a layer"): a config
 * that uses it names this class in {@code alexnet4j.modules}. It is not a standard layer type, so a
 * user's own {@code tanh} (examples/custom-layer) does not clash with it unless both modules are
 * listed.
 */
public final class TanhModule extends AbstractModule {
  @Override
  protected void configure() {
    LayerTypes.register(binder(), TanhFactory.TYPE, TanhFactory.class);
  }
}
