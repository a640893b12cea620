package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/**
 * Inverted dropout: during training, y = x * keep / (1 - rate) with keep from {@link DropoutMask};
 * at test time the layer is the identity and does not call the plan.
 */
public interface DropoutPlan extends AutoCloseable {
  /** Applies the mask of stream (seed, layer, step). */
  Tensor forward(Tensor input, long seed, long step);

  /** dx = dy * keep / (1 - rate), with the mask of the last forward. */
  Tensor backward(Tensor outputGradient);

  @Override
  void close();
}
