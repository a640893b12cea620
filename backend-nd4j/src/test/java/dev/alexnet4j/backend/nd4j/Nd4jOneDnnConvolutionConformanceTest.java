package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ConvolutionConformance;

/** The convolution conformance suite on oneDNN called directly ({@link Nd4jOneDnnConvolution}). */
class Nd4jOneDnnConvolutionConformanceTest extends ConvolutionConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create(Nd4jConvolutionPath.ONEDNN);
  }
}
