package dev.alexnet4j.api.config;

import com.google.inject.AbstractModule;
import com.typesafe.config.Config;
import dev.alexnet4j.api.layer.LayerTypes;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.layers.DenseLayer;
import dev.alexnet4j.api.layers.DropoutLayer;
import dev.alexnet4j.api.layers.FlattenLayer;
import dev.alexnet4j.api.layers.LrnLayer;
import dev.alexnet4j.api.layers.MaxPoolLayer;
import dev.alexnet4j.api.layers.ReluLayer;
import dev.alexnet4j.api.layers.SoftmaxCrossEntropyLayer;

/** Binds the validated config, the core settings and the standard layer types. */
public final class CoreModule extends AbstractModule {
  private final Config config;
  private final CoreSettings settings;

  public CoreModule(Config config, CoreSettings settings) {
    this.config = config;
    this.settings = settings;
  }

  @Override
  protected void configure() {
    bind(Config.class).toInstance(config);
    bind(CoreSettings.class).toInstance(settings);
    LayerTypes.register(binder(), ConvolutionLayer.TYPE, ConvolutionLayer.Factory.class);
    LayerTypes.register(binder(), ReluLayer.TYPE, ReluLayer.Factory.class);
    LayerTypes.register(binder(), LrnLayer.TYPE, LrnLayer.Factory.class);
    LayerTypes.register(binder(), MaxPoolLayer.TYPE, MaxPoolLayer.Factory.class);
    LayerTypes.register(binder(), DropoutLayer.TYPE, DropoutLayer.Factory.class);
    LayerTypes.register(binder(), FlattenLayer.TYPE, FlattenLayer.Factory.class);
    LayerTypes.register(binder(), DenseLayer.TYPE, DenseLayer.Factory.class);
    LayerTypes.register(
        binder(), SoftmaxCrossEntropyLayer.TYPE, SoftmaxCrossEntropyLayer.Factory.class);
  }
}
