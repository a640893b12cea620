package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** Local response normalisation planned for one input shape. See {@link LrnParameters}. */
public interface LrnPlan extends TensorPlan {
  /**
   * The input gradient of the last forward, including the cross-channel terms: {@code dx = g *
   * s^-beta - 2 alpha beta x * windowSum(g * y / s)} with {@code s = k + alpha * windowSum(x^2)}.
   */
  @Override
  Tensor backward(Tensor outputGradient);
}
