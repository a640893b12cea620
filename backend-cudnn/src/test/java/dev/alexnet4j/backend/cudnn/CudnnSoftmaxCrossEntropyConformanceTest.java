package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.SoftmaxCrossEntropyConformance;

@RequiresCudnn
class CudnnSoftmaxCrossEntropyConformanceTest extends SoftmaxCrossEntropyConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
