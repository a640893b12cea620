package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.PoolingConformance;

class Nd4jPoolingConformanceTest extends PoolingConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
