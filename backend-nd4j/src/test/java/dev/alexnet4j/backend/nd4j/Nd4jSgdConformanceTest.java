package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.SgdConformance;

class Nd4jSgdConformanceTest extends SgdConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
