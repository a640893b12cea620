package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ChannelConcatConformance;

class Nd4jChannelConcatConformanceTest extends ChannelConcatConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create();
  }
}
