package dev.alexnet4j.experiments;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layers.ElementwiseLayer;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * Layer type {@code scale}: y = factor x, an {@link ElementwiseLayer} over the SPI's {@code copy}
 * and {@code scale}, so on every backend. The four-layer net of relu-vs-tanh starts with it to
 * bring mean-subtracted 0..255 pixels to about unit scale: a tanh net fed pixels of that size
 * starts saturated, and a ReLU net with its first weights made small enough to avoid that diverges
 * at the project's learning rate (the gradient of conv1 grows with the pixels). Added by {@link
 * ScaleModule} as a user's layer is.
 */
public final class ScaleLayer {
  public static final String TYPE = "scale";

  private ScaleLayer() {}

  /** Reads {@code factor} (required), which must be positive and finite. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      double factor = d.number("factor");
      if (!(factor > 0 && Double.isFinite(factor))) {
        throw d.error("factor", "must be a positive number, got " + factor);
      }
      return ElementwiseLayer.spec(
          TYPE,
          d.name(),
          (context, input) ->
              new ScalePlan(context.backend(), context.device(), input, (float) factor));
    }
  }

  /** y = factor x and dx = factor dy, into tensors of its own. */
  private static final class ScalePlan implements ElementwisePlan {
    private final Backend backend;
    private final float factor;
    private final Tensor output;
    private final Tensor inputGradient;

    ScalePlan(Backend backend, Device device, Shape shape, float factor) {
      this.backend = backend;
      this.factor = factor;
      this.output = backend.zeros(device, shape);
      this.inputGradient = backend.zeros(device, shape);
    }

    @Override
    public Tensor forward(Tensor input) {
      return scaled(input, output);
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      return scaled(outputGradient, inputGradient);
    }

    private Tensor scaled(Tensor from, Tensor into) {
      backend.copy(from, into);
      backend.scale(into, factor);
      return into;
    }

    @Override
    public void close() {
      output.close();
      inputGradient.close();
    }
  }
}
