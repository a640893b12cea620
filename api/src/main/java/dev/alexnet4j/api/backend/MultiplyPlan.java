package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * The elementwise product y = a * b of two tensors of one shape, planned by {@link
 * Backend#multiply}. The plan owns its output and gradients and keeps references to the last
 * forward's inputs, which must not change before {@link #backward}.
 */
public interface MultiplyPlan extends AutoCloseable {
  /** The plan-owned product of {@code a} and {@code b} (the same tensor may be passed twice). */
  Tensor forward(Tensor a, Tensor b);

  /**
   * The gradients of the last forward's inputs, plan-owned: {@code [dy * b, dy * a]}. When one
   * tensor was passed as both inputs, its gradient is the sum of the two (the caller adds them).
   */
  List<Tensor> backward(Tensor outputGradient);

  @Override
  void close();
}
