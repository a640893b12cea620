package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.DropoutConformance;

@RequiresCudnn
class CudnnDropoutConformanceTest extends DropoutConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
