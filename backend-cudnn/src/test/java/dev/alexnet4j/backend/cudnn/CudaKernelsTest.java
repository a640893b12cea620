package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import jcuda.driver.CUresult;
import jcuda.nvrtc.nvrtcResult;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Which image the kernels are loaded from: a cubin for the architecture the device's properties
 * give (clamped to NVRTC's newest), and PTX only as the fallback.
 */
class CudaKernelsTest {
  private static final CallSite NVRTC = new CallSite("cuda:0", "cudnn backend kernels");

  private final MockCuda mock = new MockCuda();
  private final CudaCalls calls = mock.calls;

  private void gpu(int major, int minor, int... nvrtcArchitectures) {
    when(calls.runtime().deviceProperties(any(), anyInt()))
        .thenAnswer(i -> new GpuProperties(i.getArgument(1), "Mock GPU", major, minor, 80L << 30));
    when(calls.nvrtc().nvrtcArchitectures(any())).thenReturn(nvrtcArchitectures);
  }

  /** Compiles the kernels on a fresh device; their target and the options NVRTC got. */
  private String kernels(List<String> expectedOptions, boolean cubin) {
    try (CudaDevice device = mock.device()) {
      String target = device.kernels().target();
      ArgumentCaptor<String[]> options = ArgumentCaptor.forClass(String[].class);
      if (cubin) {
        verify(calls.nvrtc()).compileToCubin(any(), anyString(), any(), options.capture());
      } else {
        verify(calls.nvrtc()).compileToPtx(any(), anyString(), any(), options.capture());
      }
      assertEquals(expectedOptions, List.of(options.getValue()));
      return target;
    }
  }

  @Test
  void theCubinArchitectureComesFromTheDeviceProperties() {
    gpu(9, 0, 75, 80, 86, 87, 89, 90);
    assertEquals("sm_90 cubin", kernels(List.of("--gpu-architecture=sm_90", "--fmad=false"), true));
    verify(calls.driver()).loadModule(any(), any(byte[].class));
    verify(calls.nvrtc(), never()).compileToPtx(any(), anyString(), anyString(), any());
  }

  @Test
  void anOlderNvrtcClampsToItsNewestArchitectureOfTheSameMajorVersion() {
    gpu(8, 9, 75, 80, 86);
    assertEquals("sm_86 cubin", kernels(List.of("--gpu-architecture=sm_86", "--fmad=false"), true));
  }

  @Test
  void aGpuNewerThanNvrtcGetsPtxBecauseNoCubinNvrtcMakesCanRunOnIt() {
    // NVRTC 11.7 on an H200: its newest, 8.7, is a different major version from 9.0.
    gpu(9, 0, 35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87);
    assertEquals(
        "compute_87 PTX", kernels(List.of("--gpu-architecture=compute_87", "--fmad=false"), false));
    verify(calls.nvrtc(), never()).compileToCubin(any(), anyString(), anyString(), any());
    verify(calls.driver()).loadModule(any(), anyString());
  }

  @Test
  void ptxIsTheFallbackWhenNvrtcCannotMakeTheCubin() {
    gpu(8, 0, 80);
    when(calls.nvrtc().compileToCubin(any(), anyString(), anyString(), any()))
        .thenThrow(
            new NativeCallException(
                "nvrtcCompileProgram(kernels.cu)",
                "NVRTC_ERROR_INVALID_OPTION",
                nvrtcResult.NVRTC_ERROR_INVALID_OPTION,
                NVRTC,
                ""));
    assertEquals(
        "compute_80 PTX", kernels(List.of("--gpu-architecture=compute_80", "--fmad=false"), false));
    verify(calls.driver(), never()).loadModule(any(), any(byte[].class));
  }

  @Test
  void ptxIsTheFallbackWhenNvrtcGivesAnEmptyCubin() {
    gpu(8, 0, 80);
    when(calls.nvrtc().compileToCubin(any(), anyString(), anyString(), any()))
        .thenReturn(new byte[0]);
    assertEquals(
        "compute_80 PTX", kernels(List.of("--gpu-architecture=compute_80", "--fmad=false"), false));
  }

  @Test
  void ptxIsTheFallbackWhenTheDriverRefusesTheCubin() {
    gpu(8, 0, 80);
    when(calls.driver().loadModule(any(), any(byte[].class)))
        .thenThrow(
            new NativeCallException(
                "cuModuleLoadData(cubin)",
                "CUDA_ERROR_NO_BINARY_FOR_GPU",
                CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU,
                NVRTC,
                ""));
    assertEquals(
        "compute_80 PTX", kernels(List.of("--gpu-architecture=compute_80", "--fmad=false"), false));
  }

  @Test
  void whenPtxFailsTooItsFailureCarriesTheCubinsAsSuppressed() {
    gpu(8, 0, 80);
    NativeCallException cubin =
        new NativeCallException(
            "cuModuleLoadData(cubin)",
            "CUDA_ERROR_NO_BINARY_FOR_GPU",
            CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU,
            NVRTC,
            "");
    NativeCallException ptx =
        new NativeCallException(
            "cuModuleLoadData",
            "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
            CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
            NVRTC,
            "");
    when(calls.driver().loadModule(any(), any(byte[].class))).thenThrow(cubin);
    when(calls.driver().loadModule(any(), anyString())).thenThrow(ptx);
    try (CudaDevice device = mock.device()) {
      NativeCallException thrown = assertThrows(NativeCallException.class, device::kernels);
      assertSame(ptx, thrown);
      assertEquals(List.of(cubin), List.of(thrown.getSuppressed()));
    }
  }

  @Test
  void aCubinRunsOnlyOnItsMajorVersionAtOrAboveItsMinor() {
    assertTrue(CudaKernels.cubinRuns(80, 80));
    assertTrue(CudaKernels.cubinRuns(80, 86));
    assertFalse(CudaKernels.cubinRuns(86, 80));
    assertFalse(CudaKernels.cubinRuns(87, 90));
    assertFalse(CudaKernels.cubinRuns(90, 100));
  }
}
