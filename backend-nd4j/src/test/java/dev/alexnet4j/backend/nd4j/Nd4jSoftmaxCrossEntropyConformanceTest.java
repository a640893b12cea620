package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.SoftmaxCrossEntropyConformance;

class Nd4jSoftmaxCrossEntropyConformanceTest extends SoftmaxCrossEntropyConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
