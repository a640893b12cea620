package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** Softmax over [N, classes] logits and the multinomial logistic loss averaged over the batch. */
public interface SoftmaxCrossEntropyPlan extends AutoCloseable {
  /** p = softmax(logits) per row, plan-owned. */
  Tensor forward(Tensor logits);

  /** mean_n -log p[n, labels[n]] of the last forward. */
  float loss(int[] labels);

  /** dL/dlogits = (p - onehot(labels)) / N of the last forward, plan-owned. */
  Tensor backward(int[] labels);

  @Override
  void close();
}
