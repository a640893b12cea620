package dev.alexnet4j.backend.cudnn;

/** The backend the GPU tests of this module run on: the reference.conf defaults. */
final class CudnnTestBackends {
  private CudnnTestBackends() {}

  static CudnnBackend create() {
    return new CudnnBackend(CudnnSettings.defaults());
  }
}
