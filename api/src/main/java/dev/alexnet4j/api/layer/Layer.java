package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * One layer of a network, built for one input shape on one device and written against the backend
 * SPI alone. Outputs and input gradients belong to the layer (its plans) and are reused on every
 * call; {@link #backward} refers to the last {@link #forward}.
 */
public interface Layer extends AutoCloseable {
  String name();

  Shape inputShape();

  Shape outputShape();

  /** The learned parameters, in a fixed order; empty for parameter-free layers. */
  List<Parameter> parameters();

  Tensor forward(Tensor input, Pass pass);

  /**
   * Writes the gradients of this layer's parameters and returns the gradient of its input, or null
   * for a first layer that was built without one.
   */
  Tensor backward(Tensor outputGradient);

  @Override
  void close();
}
