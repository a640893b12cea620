package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/** Max pooling planned for one input shape. See {@link Backend} for ownership. */
public interface PoolingPlan extends TensorPlan {
  Shape outputShape();

  /** The input gradient of the last forward: each window's gradient goes to its maximum. */
  @Override
  Tensor backward(Tensor outputGradient);
}
