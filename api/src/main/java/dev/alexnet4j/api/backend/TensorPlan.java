package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/**
 * A plan of one tensor in and one out, forward and backward: what an activation, LRN and pooling
 * plan share, so that one layer shell ({@link dev.alexnet4j.api.layers.TensorPlanLayer}) runs any
 * of them. The output and input gradient are plan-owned, reused on every call.
 */
public interface TensorPlan extends AutoCloseable {
  Tensor forward(Tensor input);

  /** The input gradient of the last forward. */
  Tensor backward(Tensor outputGradient);

  @Override
  void close();
}
