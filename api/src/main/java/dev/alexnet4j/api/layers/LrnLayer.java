package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.tensor.Shape;

/**
 * Type {@code lrn}: cross-channel local response normalisation, the paper's section 3.3, {@code
 * b[i] = a[i] / (k + alpha * sum_j a[j]^2)^beta} over {@code size} adjacent channels, with alpha as
 * the paper writes it (not divided by size). With {@code groups = 2} each tower normalises only its
 * own channels, as on the paper's two GPUs.
 */
public final class LrnLayer extends TensorPlanLayer<LrnPlan> {
  public static final String TYPE = "lrn";

  /** The declaration of an LRN layer. */
  public record Spec(String name, LrnParameters parameters) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      if (input.rank() != 4) {
        throw new IllegalArgumentException("needs an NCHW input, got " + input);
      }
      if (input.channels() % parameters.groups() != 0) {
        throw new IllegalArgumentException(
            "groups = "
                + parameters.groups()
                + " must divide the input channels ("
                + input.channels()
                + ")");
      }
      return input;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      outputShape(input);
      return new LrnLayer(name, input, context.backend().lrn(context.device(), input, parameters));
    }
  }

  /** Reads {@code size}, {@code alpha}, {@code beta}, {@code k} and {@code groups}. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      int size = d.positive("size");
      if (size % 2 == 0) {
        throw d.error("size", "must be odd, got " + size);
      }
      try {
        return new Spec(
            d.name(),
            new LrnParameters(
                size, d.number("alpha"), d.number("beta"), d.number("k"), d.positive("groups")));
      } catch (IllegalArgumentException e) {
        throw d.error(e.getMessage());
      }
    }
  }

  private LrnLayer(String name, Shape input, LrnPlan plan) {
    super(name, input, input, plan);
  }
}
