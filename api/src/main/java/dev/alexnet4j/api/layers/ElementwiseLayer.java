package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.tensor.Shape;
import java.util.Objects;

/**
 * A parameter-free layer of one {@link ElementwisePlan}, the same shape in and out: what an
 * activation layer needs, so that a user's {@code tanh} is one factory line:
 *
 * <pre>{@code
 * public final class TanhFactory implements LayerFactory {
 *   public LayerSpec create(LayerDeclaration d) {
 *     return ElementwiseLayer.spec("tanh", d.name(),
 *         (context, input) -> context.backend().activation(context.device(), input, Activation.TANH));
 *   }
 * }
 * }</pre>
 *
 * <p>The plan's output and input gradient are the layer's (reused on every call, as every layer's);
 * the layer closes the plan when it closes. An activation composed of several plans (Swish: a
 * sigmoid and a multiply) implements {@link Layer} itself.
 */
public final class ElementwiseLayer extends TensorPlanLayer<ElementwisePlan> {

  /** Plans the layer's op for its input shape on the context's device. */
  @FunctionalInterface
  public interface Planner {
    ElementwisePlan plan(LayerContext context, Shape input);
  }

  /** The declaration: type, name and how to plan the op. */
  public record Spec(String type, String name, Planner planner) implements LayerSpec {
    public Spec {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(planner, "planner");
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      ElementwisePlan plan = planner.plan(context, input);
      if (plan == null) {
        throw new IllegalStateException("layer " + name + " (" + type + "): the planner gave null");
      }
      return new ElementwiseLayer(name, input, plan);
    }
  }

  /** A spec of a layer of type {@code type} named {@code name}. */
  public static Spec spec(String type, String name, Planner planner) {
    return new Spec(type, name, planner);
  }

  private ElementwiseLayer(String name, Shape input, ElementwisePlan plan) {
    super(name, input, input, plan);
  }
}
