package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ConvolutionConformance;

/** The convolution conformance suite on libnd4j's conv2d / conv2d_bp. */
class Nd4jConvolutionConformanceTest extends ConvolutionConformance {
  @Override
  protected Backend createBackend() {
    return Nd4jTestBackends.create(Nd4jConvolutionPath.LIBND4J);
  }
}
