package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.TensorPlan;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * A {@link PlanLayer} whose forward and backward are its plan's, the same in training and
 * inference. The input gradient comes from the plan always: a first layer built without one could
 * return null, but such a layer is never first.
 */
public abstract class TensorPlanLayer<P extends TensorPlan> extends PlanLayer<P> {
  protected TensorPlanLayer(String name, Shape input, Shape output, P plan) {
    super(name, input, output, plan);
  }

  @Override
  public final Tensor forward(Tensor x, Pass pass) {
    return plan.forward(x);
  }

  @Override
  public final Tensor backward(Tensor dy) {
    return plan.backward(dy);
  }
}
