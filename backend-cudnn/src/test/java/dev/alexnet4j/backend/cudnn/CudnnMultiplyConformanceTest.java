package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.MultiplyConformance;

@RequiresCudnn
class CudnnMultiplyConformanceTest extends MultiplyConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
