package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** The paper's SGD step on one device. See {@link SgdHyperparameters} for the rule. */
public interface SgdPlan extends AutoCloseable {
  /** Updates {@code velocity} and then {@code weight} in place, given the batch-mean gradient. */
  void update(Tensor weight, Tensor gradient, Tensor velocity, SgdHyperparameters hyperparameters);

  @Override
  void close();
}
