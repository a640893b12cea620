package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnStatus;
import jcuda.nvrtc.nvrtcResult;
import jcuda.runtime.cudaError;
import org.junit.jupiter.api.Test;

/** Status codes become exceptions naming the call, the status, the device and the layer. */
class NativeCallExceptionTest {
  private static final CallSite CONV1 =
      new CallSite("cuda:1", "cudnn convolution 128x3x227x227 -> 128x96x55x55");

  @Test
  void successPassesForEveryLibrary() {
    assertDoesNotThrow(() -> CudaCalls.cuda(CONV1, "cudaMalloc", cudaError.cudaSuccess));
    assertDoesNotThrow(
        () -> CudaCalls.cudnn(CONV1, "cudnnConvolutionForward", cudnnStatus.CUDNN_STATUS_SUCCESS));
    assertDoesNotThrow(
        () -> CudaCalls.cublas(CONV1, "cublasSgemm", cublasStatus.CUBLAS_STATUS_SUCCESS));
    assertDoesNotThrow(() -> CudaCalls.nvrtc(CONV1, "nvrtcGetPTX", nvrtcResult.NVRTC_SUCCESS));
    assertDoesNotThrow(() -> CudaCalls.driver(CONV1, "cuLaunchKernel", CUresult.CUDA_SUCCESS));
  }

  @Test
  void cudnnFailureNamesCallStatusDeviceAndLayer() {
    NativeCallException e =
        assertThrows(
            NativeCallException.class,
            () ->
                CudaCalls.cudnn(
                    CONV1, "cudnnConvolutionForward", cudnnStatus.CUDNN_STATUS_BAD_PARAM));
    assertEquals("cudnnConvolutionForward", e.call());
    assertEquals("CUDNN_STATUS_BAD_PARAM", e.status());
    assertEquals(cudnnStatus.CUDNN_STATUS_BAD_PARAM, e.code());
    assertEquals("cuda:1", e.device());
    assertEquals(CONV1.layer(), e.layer());
    assertTrue(
        e.getMessage()
            .startsWith(
                "cudnnConvolutionForward failed with CUDNN_STATUS_BAD_PARAM (3) on cuda:1 in"
                    + " cudnn convolution 128x3x227x227"),
        e.getMessage());
  }

  @Test
  void outOfMemorySaysWhatToLower() {
    NativeCallException cuda =
        assertThrows(
            NativeCallException.class,
            () -> CudaCalls.cuda(CONV1, "cudaMalloc", cudaError.cudaErrorMemoryAllocation));
    assertTrue(cuda.getMessage().contains("cudaErrorMemoryAllocation"), cuda.getMessage());
    assertTrue(cuda.getMessage().contains("lower the batch size"), cuda.getMessage());
    NativeCallException cudnn =
        assertThrows(
            NativeCallException.class,
            () -> CudaCalls.cudnn(CONV1, "cudnnFind", cudnnStatus.CUDNN_STATUS_ALLOC_FAILED));
    assertTrue(cudnn.getMessage().contains("alexnet4j.cudnn.workspace-limit"), cudnn.getMessage());
    NativeCallException cublas =
        assertThrows(
            NativeCallException.class,
            () -> CudaCalls.cublas(CONV1, "cublasCreate", cublasStatus.CUBLAS_STATUS_ALLOC_FAILED));
    assertTrue(cublas.getMessage().contains("CUBLAS_STATUS_ALLOC_FAILED"), cublas.getMessage());
    NativeCallException driver =
        assertThrows(
            NativeCallException.class,
            () -> CudaCalls.driver(CONV1, "cuModuleLoadData", CUresult.CUDA_ERROR_OUT_OF_MEMORY));
    assertTrue(driver.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), driver.getMessage());
  }

  @Test
  void unsupportedConfigurationAndDriverProblemsSayWhatToChange() {
    NativeCallException notSupported =
        assertThrows(
            NativeCallException.class,
            () -> CudaCalls.cudnn(CONV1, "cudnnX", cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED));
    assertTrue(
        notSupported.getMessage().contains("alexnet4j.cudnn.algorithm"), notSupported.getMessage());
    NativeCallException driver =
        assertThrows(
            NativeCallException.class,
            () ->
                CudaCalls.cuda(CONV1, "cudaGetDeviceCount", cudaError.cudaErrorInsufficientDriver));
    assertTrue(driver.getMessage().contains("libcuda.so.1"), driver.getMessage());
    NativeCallException nvrtc =
        assertThrows(
            NativeCallException.class,
            () ->
                CudaCalls.nvrtc(CONV1, "nvrtcCompileProgram", nvrtcResult.NVRTC_ERROR_COMPILATION));
    assertTrue(nvrtc.getMessage().contains("NVRTC_ERROR_COMPILATION"), nvrtc.getMessage());
  }
}
