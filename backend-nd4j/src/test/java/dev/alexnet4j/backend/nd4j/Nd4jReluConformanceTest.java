package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ReluConformance;

class Nd4jReluConformanceTest extends ReluConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
