package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Tensor;

/** The k best classes per row of [N, classes] scores. */
public interface TopKPlan extends AutoCloseable {
  /**
   * Row n holds the indices of the k largest scores of sample n, best first; ties go to the lower
   * index.
   */
  int[][] indices(Tensor scores);

  @Override
  void close();
}
