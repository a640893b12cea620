package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.DenseConformance;

class Nd4jDenseConformanceTest extends DenseConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
