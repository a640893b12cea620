package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/** Concatenation along axis 1, planned for fixed part shapes. */
public interface ChannelConcatPlan extends AutoCloseable {
  /** The plan-owned concatenation of {@code parts}, in order. */
  Tensor forward(List<Tensor> parts);

  /** Splits a gradient of the concatenation into plan-owned parts shaped like the inputs. */
  List<Tensor> backward(Tensor outputGradient);

  @Override
  void close();
}
