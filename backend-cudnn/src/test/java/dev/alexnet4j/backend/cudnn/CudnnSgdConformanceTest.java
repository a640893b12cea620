package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.SgdConformance;

@RequiresCudnn
class CudnnSgdConformanceTest extends SgdConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
