package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.PoolingConformance;

@RequiresCudnn
class CudnnPoolingConformanceTest extends PoolingConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
