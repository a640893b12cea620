package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.DenseConformance;

@RequiresCudnn
class CudnnDenseConformanceTest extends DenseConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
