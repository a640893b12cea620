package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** A fully connected layer y = x W^T + b, W of shape [out, in]. See {@link Backend#dense}. */
public interface DensePlan extends AutoCloseable {
  /**
   * @param bias [out], or null for no bias
   * @return the plan-owned output [N, out]
   */
  Tensor forward(Tensor input, Tensor weight, Tensor bias);

  /**
   * Overwrites dW = dy^T x and db = sum_n dy (unless null) of the last forward and returns the
   * plan-owned input gradient dx = dy W, shaped like the forward's input, or null when the plan was
   * built without one.
   */
  Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient);

  @Override
  void close();
}
