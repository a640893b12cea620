package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnStatus;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.Test;

/**
 * Every op of a device goes to its one stream (see {@link CudaDevice}): the real libraries must
 * report that stream for the device's cuDNN and cuBLAS handles. The mocked {@link CudaDeviceTest}
 * cannot see this, since it replaces {@link CudaCalls#createCudnn} and {@link
 * CudaCalls#createCublas}, where the stream is set; a handle left on the default stream still
 * computes the right numbers, so no numeric test sees it either.
 */
@RequiresCudnn
class CudaDeviceStreamsTest {
  @Test
  void cudnnAndCublasHandlesRunOnTheDevicesOwnStream() {
    CudaCalls calls = new CudaCalls();
    calls.runtime().loadRuntime();
    calls.cublas().loadCublas();
    calls.cudnn().loadCudnn();
    int count = calls.runtime().deviceCount(new CallSite("test", "device count"));
    assertTrue(count > 0, "no device");
    for (int i = 0; i < count; i++) {
      CudaDevice d = CudaDevice.open(i, calls);
      try {
        d.run(
            () -> {
              cudaStream_t cudnnStream = new cudaStream_t();
              assertEquals(
                  cudnnStatus.CUDNN_STATUS_SUCCESS, JCudnn.cudnnGetStream(d.cudnn(), cudnnStream));
              assertEquals(d.stream(), cudnnStream, d + ": cuDNN handle's stream");
              cudaStream_t cublasStream = new cudaStream_t();
              assertEquals(
                  cublasStatus.CUBLAS_STATUS_SUCCESS,
                  JCublas2.cublasGetStream(d.cublas(), cublasStream));
              assertEquals(d.stream(), cublasStream, d + ": cuBLAS handle's stream");
            });
      } finally {
        d.close();
      }
    }
  }

  /**
   * The backend enables peer access between every pair of GPUs that allows it; enabling it again
   * must then report "already enabled". Nothing numeric depends on it (cross-device copies use
   * cudaMemcpyPeerAsync, which works without), so only this state check sees it dropped.
   */
  @Test
  void openingTheBackendEnablesPeerAccessBetweenItsGpus() {
    try (CudnnBackend backend = CudnnTestBackends.create()) {
      int count = backend.devices().size();
      for (int from = 0; from < count; from++) {
        for (int to = 0; to < count; to++) {
          int[] can = {0};
          JCuda.cudaDeviceCanAccessPeer(can, from, to);
          if (from == to || can[0] == 0) {
            continue;
          }
          assertEquals(cudaError.cudaSuccess, JCuda.cudaSetDevice(from));
          assertEquals(
              cudaError.cudaErrorPeerAccessAlreadyEnabled,
              JCuda.cudaDeviceEnablePeerAccess(to, 0),
              "peer access from device " + from + " to " + to + " after the backend opened");
        }
      }
    }
  }
}
