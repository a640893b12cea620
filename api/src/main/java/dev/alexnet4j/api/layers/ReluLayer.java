package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.tensor.Shape;

/** Type {@code relu}: y = max(0, x), the paper's non-saturating non-linearity. */
public final class ReluLayer extends TensorPlanLayer<ElementwisePlan> {
  public static final String TYPE = "relu";

  /** The declaration of a ReLU; it has no settings. */
  public record Spec(String name) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new ReluLayer(name, input, context.backend().relu(context.device(), input));
    }
  }

  /** Reads nothing but the name. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      return new Spec(d.name());
    }
  }

  private ReluLayer(String name, Shape input, ElementwisePlan plan) {
    super(name, input, input, plan);
  }
}
