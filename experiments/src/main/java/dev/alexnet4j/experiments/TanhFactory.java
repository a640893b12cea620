package dev.alexnet4j.experiments;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layers.ElementwiseLayer;

/**
 * Layer type {@code tanh}: y = tanh(x), dx = dy (1 - y^2), through the backend's {@link
 * Activation#TANH} plan, so on every backend. The saturating non-linearity the paper compares ReLU
 * against (Section 3.1, Figure 1).
 */
public final class TanhFactory implements LayerFactory {
  public static final String TYPE = "tanh";

  @Override
  public LayerSpec create(LayerDeclaration d) {
    return ElementwiseLayer.spec(
        TYPE,
        d.name(),
        (context, input) -> context.backend().activation(context.device(), input, Activation.TANH));
  }
}
