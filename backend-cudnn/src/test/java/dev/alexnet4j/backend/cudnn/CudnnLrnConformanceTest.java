package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.LrnConformance;

@RequiresCudnn
class CudnnLrnConformanceTest extends LrnConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
