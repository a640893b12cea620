package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.TensorConformance;

@RequiresCudnn
class CudnnTensorConformanceTest extends TensorConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
