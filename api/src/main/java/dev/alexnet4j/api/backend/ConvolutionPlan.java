package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/** A convolution planned for one input shape and geometry. See {@link Backend} for ownership. */
public interface ConvolutionPlan extends AutoCloseable {
  Shape outputShape();

  /**
   * y = conv(x, weight) + bias.
   *
   * @param bias [outC], or null for no bias
   * @return the plan-owned output
   */
  Tensor forward(Tensor input, Tensor weight, Tensor bias);

  /**
   * Gradients of the last forward: overwrites {@code weightGradient} (and {@code biasGradient},
   * unless null) and returns the plan-owned input gradient, or null when the plan was built without
   * one.
   */
  Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient);

  @Override
  void close();
}
