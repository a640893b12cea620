package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;
import org.junit.jupiter.api.Test;

/**
 * What comes from the loaded libraries rather than from JCuda's tables: the architecture the
 * kernels are compiled for (the device's own, as a cubin the driver takes without its JIT) and the
 * status names.
 */
@RequiresCudnn
class LoadedLibrariesTest {
  private static final CallSite SITE = new CallSite("cuda:0", "loaded libraries test");

  @Test
  void kernelsLoadFromACubinForTheDevicesOwnArchitecture() {
    CudaCalls calls = new CudaCalls();
    GpuProperties gpu = calls.runtime().deviceProperties(SITE, 0);
    try (CudaDevice device = CudaDevice.open(0, calls)) {
      assertEquals("sm_" + gpu.computeCapability() + " cubin", device.kernels().target());
    }
  }

  @Test
  void statusNamesAndHintsComeFromTheLoadedLibraries() {
    assertEquals(
        "CUDNN_STATUS_NOT_SUPPORTED",
        StatusNames.LOADED.cudnn(cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED));
    assertEquals(
        "CUBLAS_STATUS_ALLOC_FAILED",
        StatusNames.LOADED.cublas(cublasStatus.CUBLAS_STATUS_ALLOC_FAILED));
    CudaCalls calls = new CudaCalls();
    cudnnTensorDescriptor d = calls.cudnn().createTensorDescriptor(SITE);
    try {
      NativeCallException e =
          assertThrows(
              NativeCallException.class,
              () -> calls.cudnn().setTensor4d(SITE, d, 0, 1, 1, 1, 1, 1, 1, 1));
      assertEquals("CUDNN_STATUS_BAD_PARAM", e.status());
      assertTrue(e.getMessage().contains("please report"), e.getMessage());
    } finally {
      calls.cudnn().destroyTensorDescriptor(SITE, d);
    }
  }
}
