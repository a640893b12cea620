package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ActivationConformance;

@RequiresCudnn
class CudnnActivationConformanceTest extends ActivationConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
