package com.example.tanh;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layers.ElementwiseLayer;

/**
 * Layer type {@code tanh}: y = tanh(x), on the device through the backend's tanh plan (forward and
 * backward), on every backend. Its settings (none but the name) are read from the config entry.
 */
public final class TanhFactory implements LayerFactory {
  public static final String TYPE = "tanh";

  @Override
  public LayerSpec create(LayerDeclaration d) {
    return ElementwiseLayer.spec(
        TYPE,
        d.name(),
        (context, input) ->
            context.backend().activation(context.device(), input, Activation.TANH));
  }
}
