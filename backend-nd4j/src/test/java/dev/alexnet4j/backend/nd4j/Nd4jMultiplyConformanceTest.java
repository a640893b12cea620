package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.MultiplyConformance;

class Nd4jMultiplyConformanceTest extends MultiplyConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
