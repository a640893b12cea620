package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import java.util.Objects;

/**
 * The shell of a layer without parameters that runs one backend plan: its name, its input and
 * output shapes, no parameters, and closing the plan when it closes. A subclass adds forward and
 * backward ({@link TensorPlanLayer} for a plan of one tensor in and one out).
 *
 * @param <P> the plan; its {@code close} should throw no checked exception (a checked one is
 *     rethrown as an {@link IllegalStateException})
 */
public abstract class PlanLayer<P extends AutoCloseable> implements Layer {
  private final String name;
  private final Shape input;
  private final Shape output;

  /** The plan the layer runs and closes. */
  protected final P plan;

  protected PlanLayer(String name, Shape input, Shape output, P plan) {
    this.name = Objects.requireNonNull(name, "name");
    this.input = Objects.requireNonNull(input, "input");
    this.output = Objects.requireNonNull(output, "output");
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Shape inputShape() {
    return input;
  }

  @Override
  public final Shape outputShape() {
    return output;
  }

  @Override
  public final List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public void close() {
    try {
      plan.close();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("layer " + name + ": closing its plan failed", e);
    }
  }
}
