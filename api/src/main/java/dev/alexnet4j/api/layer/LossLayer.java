package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Tensor;

/**
 * The last layer of a trainable network: its forward gives the predictions, and the loss and its
 * gradient come from the labels of the same batch.
 */
public interface LossLayer extends Layer {
  /** The batch-mean loss of the last forward. */
  float loss(int[] labels);

  /** The gradient of the loss with respect to this layer's input, for the last forward. */
  Tensor backward(int[] labels);

  /** A loss layer starts backpropagation from labels, not from an output gradient. */
  @Override
  default Tensor backward(Tensor outputGradient) {
    throw new UnsupportedOperationException(
        "loss layer '" + name() + "' starts backpropagation: call backward(labels)");
  }
}
