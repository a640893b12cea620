package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** An elementwise activation (ReLU) planned for one shape. */
public interface ElementwisePlan extends AutoCloseable {
  Tensor forward(Tensor input);

  Tensor backward(Tensor outputGradient);

  @Override
  void close();
}
