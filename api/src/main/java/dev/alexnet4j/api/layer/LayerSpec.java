package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/**
 * A layer as declared in config, before it has a device: it knows its output shape and parameters
 * for an input shape without allocating anything, so a network can be summarised and checked before
 * it is built.
 */
public interface LayerSpec {
  /** The layer's name, unique in its network. */
  String name();

  /** The type it was declared with ({@code conv}, {@code dense}, ...). */
  String type();

  /**
   * The output shape for a batched input shape.
   *
   * @throws IllegalArgumentException naming what does not fit when the input is not acceptable
   */
  Shape outputShape(Shape input);

  /** Its parameters for that input shape; empty by default. */
  default List<ParameterSpec> parameters(Shape input) {
    return List.of();
  }

  /** Whether this is a loss layer that ends a trainable network. */
  default boolean isLoss() {
    return false;
  }

  /** Builds the layer on the context's device, planning its ops for {@code input}. */
  Layer build(LayerContext context, Shape input);
}
