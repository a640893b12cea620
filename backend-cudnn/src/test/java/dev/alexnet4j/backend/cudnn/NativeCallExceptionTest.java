package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnStatus;
import jcuda.nvrtc.nvrtcResult;
import jcuda.runtime.cudaError;
import org.junit.jupiter.api.Test;

/**
 * Status codes become exceptions naming the call, the status, the device and the layer. cuDNN and
 * cuBLAS statuses are named by the loaded library (mocked here: no library is loaded in this
 * execution), and their hints are found by that name.
 */
class NativeCallExceptionTest {
  private static final CallSite CONV1 =
      new CallSite("cuda:1", "cudnn convolution 128x3x227x227 -> 128x96x55x55");

  /** cuDNN 8 and cuBLAS 11 as JCuda 11.7 was built against them: their names are its tables. */
  private final StatusNames cudnn8 = mock(StatusNames.class);

  /** cuDNN 9 (its numbers from cudnn_graph.h 9.x), which renumbered every failure status. */
  private final StatusNames cudnn9 = mock(StatusNames.class);

  NativeCallExceptionTest() {
    when(cudnn8.cudnn(anyInt())).thenAnswer(i -> cudnnStatus.stringFor(i.getArgument(0)));
    when(cudnn8.cublas(anyInt())).thenAnswer(i -> cublasStatus.stringFor(i.getArgument(0)));
    when(cudnn9.cudnn(2000)).thenReturn("CUDNN_STATUS_BAD_PARAM");
    when(cudnn9.cudnn(2002)).thenReturn("CUDNN_STATUS_BAD_PARAM_NULL_POINTER");
    when(cudnn9.cudnn(3000)).thenReturn("CUDNN_STATUS_NOT_SUPPORTED");
    when(cudnn9.cudnn(3002)).thenReturn("CUDNN_STATUS_NOT_SUPPORTED_SHAPE");
    when(cudnn9.cudnn(3007)).thenReturn("CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH");
    when(cudnn9.cudnn(4000)).thenReturn("CUDNN_STATUS_INTERNAL_ERROR");
    when(cudnn9.cudnn(4004)).thenReturn("CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED");
    when(cudnn9.cudnn(5000)).thenReturn("CUDNN_STATUS_EXECUTION_FAILED");
    when(cudnn9.cudnn(5003)).thenReturn("CUDNN_STATUS_EXECUTION_FAILED_CUDART");
  }

  private NativeCallException cudnn9(int status) {
    return assertThrows(
        NativeCallException.class,
        () -> CudnnCalls.cudnn(CONV1, "cudnnConvolutionForward", status, cudnn9));
  }

  @Test
  void cudnn9StatusesAreNamedByTheLoadedLibrary() {
    NativeCallException badParam = cudnn9(2000);
    assertEquals("CUDNN_STATUS_BAD_PARAM", badParam.status());
    assertEquals(2000, badParam.code());
    assertTrue(
        badParam
            .getMessage()
            .startsWith(
                "cudnnConvolutionForward failed with CUDNN_STATUS_BAD_PARAM (2000) on cuda:1 in"
                    + " cudnn convolution 128x3x227x227"),
        badParam.getMessage());
    assertTrue(badParam.getMessage().contains("please report"), badParam.getMessage());
    NativeCallException internal = cudnn9(4000);
    assertEquals("CUDNN_STATUS_INTERNAL_ERROR", internal.status());
    assertTrue(
        internal.getMessage().endsWith("in " + CONV1.layer()), "no hint: " + internal.getMessage());
    // 4 was CUDNN_STATUS_INTERNAL_ERROR in cuDNN 8; 2000 means nothing to JCuda's cuDNN 8 table.
    assertTrue(cudnnStatus.stringFor(2000).startsWith("INVALID"), cudnnStatus.stringFor(2000));
  }

  @Test
  void cudnn9SubCodesGetTheirParentsHint() {
    NativeCallException nullPointer = cudnn9(2002);
    assertEquals("CUDNN_STATUS_BAD_PARAM_NULL_POINTER", nullPointer.status());
    assertTrue(
        nullPointer
            .getMessage()
            .startsWith(
                "cudnnConvolutionForward failed with CUDNN_STATUS_BAD_PARAM_NULL_POINTER"
                    + " (2002) on cuda:1"),
        nullPointer.getMessage());
    assertTrue(nullPointer.getMessage().contains("please report"), nullPointer.getMessage());
    assertTrue(
        cudnn9(3000).getMessage().contains("alexnet4j.cudnn.algorithm = heuristic"),
        "NOT_SUPPORTED");
    assertTrue(
        cudnn9(3002).getMessage().contains("alexnet4j.cudnn.algorithm = heuristic"),
        "NOT_SUPPORTED_SHAPE");
    NativeCallException arch = cudnn9(3007);
    assertTrue(arch.getMessage().contains("this GPU's architecture"), arch.getMessage());
    assertFalse(arch.getMessage().contains("alexnet4j.cudnn.algorithm"), arch.getMessage());
    assertTrue(
        cudnn9(4004).getMessage().contains("lower the batch size"), "DEVICE_ALLOCATION_FAILED");
    assertTrue(cudnn9(5000).getMessage().contains("a cuDNN kernel failed"), "EXECUTION_FAILED");
    assertTrue(cudnn9(5003).getMessage().contains("a cuDNN kernel failed"), "EXECUTION_FAILED_*");
  }

  @Test
  void hintsMatchWholeNameSegmentsOnly() {
    assertEquals("", StatusHints.cudnn("CUDNN_STATUS_BAD_PARAMETERS"));
    assertEquals("", StatusHints.cudnn("CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED"));
    assertEquals("", StatusHints.cudnn("(cuDNN gave no name)"));
    assertTrue(StatusHints.cublas("CUBLAS_STATUS_ALLOC_FAILED").contains("lower the batch size"));
  }

  @Test
  void successAsksTheLibraryForNoName() {
    StatusNames names = mock(StatusNames.class);
    CudnnCalls.cudnn(CONV1, "cudnnCreate", 0, names);
    CublasCalls.cublas(CONV1, "cublasCreate", 0, names);
    verify(names, never()).cudnn(anyInt());
    verify(names, never()).cublas(anyInt());
  }

  @Test
  void successPassesForEveryLibrary() {
    assertDoesNotThrow(() -> RuntimeCalls.cuda(CONV1, "cudaMalloc", cudaError.cudaSuccess));
    assertDoesNotThrow(
        () -> CudnnCalls.cudnn(CONV1, "cudnnConvolutionForward", cudnnStatus.CUDNN_STATUS_SUCCESS));
    assertDoesNotThrow(
        () -> CublasCalls.cublas(CONV1, "cublasSgemm", cublasStatus.CUBLAS_STATUS_SUCCESS));
    assertDoesNotThrow(() -> NvrtcCalls.nvrtc(CONV1, "nvrtcGetPTX", nvrtcResult.NVRTC_SUCCESS));
    assertDoesNotThrow(() -> DriverCalls.driver(CONV1, "cuLaunchKernel", CUresult.CUDA_SUCCESS));
  }

  @Test
  void cudnnFailureNamesCallStatusDeviceAndLayer() {
    NativeCallException e =
        assertThrows(
            NativeCallException.class,
            () ->
                CudnnCalls.cudnn(
                    CONV1, "cudnnConvolutionForward", cudnnStatus.CUDNN_STATUS_BAD_PARAM, cudnn8));
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
            () -> RuntimeCalls.cuda(CONV1, "cudaMalloc", cudaError.cudaErrorMemoryAllocation));
    assertTrue(cuda.getMessage().contains("cudaErrorMemoryAllocation"), cuda.getMessage());
    assertTrue(cuda.getMessage().contains("lower the batch size"), cuda.getMessage());
    NativeCallException cudnn =
        assertThrows(
            NativeCallException.class,
            () ->
                CudnnCalls.cudnn(
                    CONV1, "cudnnFind", cudnnStatus.CUDNN_STATUS_ALLOC_FAILED, cudnn8));
    assertTrue(cudnn.getMessage().contains("alexnet4j.cudnn.workspace-limit"), cudnn.getMessage());
    NativeCallException cublas =
        assertThrows(
            NativeCallException.class,
            () ->
                CublasCalls.cublas(
                    CONV1, "cublasCreate", cublasStatus.CUBLAS_STATUS_ALLOC_FAILED, cudnn8));
    assertTrue(cublas.getMessage().contains("CUBLAS_STATUS_ALLOC_FAILED"), cublas.getMessage());
    NativeCallException driver =
        assertThrows(
            NativeCallException.class,
            () -> DriverCalls.driver(CONV1, "cuModuleLoadData", CUresult.CUDA_ERROR_OUT_OF_MEMORY));
    assertTrue(driver.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), driver.getMessage());
  }

  @Test
  void unsupportedConfigurationAndDriverProblemsSayWhatToChange() {
    NativeCallException notSupported =
        assertThrows(
            NativeCallException.class,
            () ->
                CudnnCalls.cudnn(CONV1, "cudnnX", cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED, cudnn8));
    assertTrue(
        notSupported.getMessage().contains("alexnet4j.cudnn.algorithm"), notSupported.getMessage());
    NativeCallException driver =
        assertThrows(
            NativeCallException.class,
            () ->
                RuntimeCalls.cuda(
                    CONV1, "cudaGetDeviceCount", cudaError.cudaErrorInsufficientDriver));
    assertTrue(driver.getMessage().contains("libcuda.so.1"), driver.getMessage());
    NativeCallException nvrtc =
        assertThrows(
            NativeCallException.class,
            () ->
                NvrtcCalls.nvrtc(
                    CONV1, "nvrtcCompileProgram", nvrtcResult.NVRTC_ERROR_COMPILATION));
    assertTrue(nvrtc.getMessage().contains("NVRTC_ERROR_COMPILATION"), nvrtc.getMessage());
  }
}
