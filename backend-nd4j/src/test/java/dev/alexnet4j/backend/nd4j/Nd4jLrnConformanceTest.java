package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.LrnConformance;

class Nd4jLrnConformanceTest extends LrnConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
