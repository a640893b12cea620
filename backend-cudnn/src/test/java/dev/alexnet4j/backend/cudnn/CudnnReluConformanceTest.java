package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ReluConformance;

@RequiresCudnn
class CudnnReluConformanceTest extends ReluConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
