package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.ChannelConcatConformance;

@RequiresCudnn
class CudnnChannelConcatConformanceTest extends ChannelConcatConformance {
  @Override
  protected Backend createBackend() {
    return CudnnTestBackends.create();
  }
}
