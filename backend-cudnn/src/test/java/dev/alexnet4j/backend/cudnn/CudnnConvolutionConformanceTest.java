package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ConvolutionConformance;

@RequiresCudnn
class CudnnConvolutionConformanceTest extends ConvolutionConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
