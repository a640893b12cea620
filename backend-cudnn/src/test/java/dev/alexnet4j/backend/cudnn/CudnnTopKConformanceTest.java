package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.TopKConformance;

@RequiresCudnn
class CudnnTopKConformanceTest extends TopKConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
