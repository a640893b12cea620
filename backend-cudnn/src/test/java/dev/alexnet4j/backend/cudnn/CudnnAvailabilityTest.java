package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.backend.Availability;
import java.nio.file.Path;
import java.util.List;
import jcuda.runtime.cudaError;
import org.junit.jupiter.api.Test;

/** The report's wording for each thing that can be missing, on a mocked {@link CudaCalls}. */
class CudnnAvailabilityTest {
  private final CudaCalls calls = MockCuda.mockCalls();
  private final LibraryFiles files = mock(LibraryFiles.class);

  private Availability check() {
    return CudnnAvailability.check(calls, files);
  }

  /** Everything present: driver 12.4, one GPU, cuBLAS 11.11, cuDNN 8.6, NVRTC 11.8. */
  private void allPresent() {
    when(calls.runtime().runtimeVersion(any())).thenReturn(11070);
    when(calls.runtime().driverVersion(any())).thenReturn(12040);
    when(calls.runtime().deviceCountStatus(any()))
        .thenAnswer(
            i -> {
              ((int[]) i.getArgument(0))[0] = 1;
              return cudaError.cudaSuccess;
            });
    when(calls.runtime().deviceProperties(any(), anyInt()))
        .thenReturn(new GpuProperties(0, "NVIDIA A100", 8, 0, 40L << 30));
    when(calls.cublas().cublasVersion(any())).thenReturn("11.11.3");
    when(calls.cudnn().cudnnVersion()).thenReturn(8600L);
    when(calls.nvrtc().nvrtcVersion(any())).thenReturn("11.8");
    when(files.findable("libnvrtc.so")).thenReturn(true);
  }

  @Test
  void availableWhenDriverGpuAndLibrariesAreThere() {
    allPresent();
    Availability a = check();
    assertTrue(a.available(), a.reason());
    assertEquals("", a.reason());
  }

  @Test
  void noDriverNamesLibcuda() {
    allPresent();
    // what JCuda reports here without libcuda.so.1: even the runtime's version call fails
    doThrow(
            new NativeCallException(
                "cudaRuntimeGetVersion", "cudaErrorInsufficientDriver", 35, CallSite.probe(), ""))
        .when(calls.runtime())
        .runtimeVersion(any());
    doReturn(0).when(calls.runtime()).driverVersion(any());
    doReturn(cudaError.cudaErrorInsufficientDriver).when(calls.runtime()).deviceCountStatus(any());
    Availability a = check();
    assertFalse(a.available());
    assertTrue(
        a.reason()
            .startsWith(
                "no NVIDIA driver: libcuda.so.1 is not loadable (cudaGetDeviceCount:"
                    + " cudaErrorInsufficientDriver)"),
        a.reason());
    assertTrue(a.reason().contains("(found: cuBLAS 11.11.3, cuDNN 8.6.0, NVRTC 11.8)"), a.reason());
  }

  @Test
  void oldDriverSaysBothVersions() {
    allPresent();
    doReturn(11020).when(calls.runtime()).driverVersion(any());
    doReturn(cudaError.cudaErrorInsufficientDriver).when(calls.runtime()).deviceCountStatus(any());
    Availability a = check();
    assertTrue(
        a.reason()
            .contains("the NVIDIA driver supports CUDA 11.2, older than the CUDA 11.7 runtime"),
        a.reason());
  }

  @Test
  void noGpu() {
    allPresent();
    doReturn(cudaError.cudaErrorNoDevice).when(calls.runtime()).deviceCountStatus(any());
    Availability a = check();
    assertTrue(a.reason().startsWith("no CUDA GPU: the driver (CUDA 12.4) sees none"), a.reason());
  }

  @Test
  void missingCudnnAndCublasAreEachNamedWithTheirFilesAndTheLoadersWords() {
    allPresent();
    doThrow(
            new UnsatisfiedLinkError(
                "Error while loading native library \"JCudnn-11.7.0-linux-x86_64\"\n"
                    + "libcudnn.so.8: cannot open shared object file"))
        .when(calls.cudnn())
        .loadCudnn();
    doThrow(new NoClassDefFoundError("Could not initialize class jcuda.jcublas.JCublas2"))
        .when(calls.cublas())
        .loadCublas();
    Availability a = check();
    assertFalse(a.available());
    assertTrue(
        a.reason().contains("cuBLAS: libcublas.so.11 is not loadable (NoClassDefFoundError"),
        a.reason());
    assertTrue(
        a.reason()
            .contains(
                "cuDNN: libcudnn.so.8 is not loadable (UnsatisfiedLinkError: Error while loading"),
        a.reason());
    assertTrue(a.reason().contains("NVIDIA A100"), a.reason());
    assertTrue(a.reason().contains("alexnet4j.backend = nd4j"), a.reason());
  }

  @Test
  void aMissingJarIsToldApartFromAMissingNativeLibrary() {
    allPresent();
    doThrow(new NoClassDefFoundError("jcuda/jcudnn/JCudnn")).when(calls.cudnn()).loadCudnn();
    Availability a = check();
    assertTrue(
        a.reason()
            .startsWith(
                "cuDNN: the Java binding is not on the class path (org.jcuda:jcudnn:11.7.0 and its"
                    + " linux-x86_64 natives; NoClassDefFoundError: jcuda/jcudnn/JCudnn)"),
        a.reason());
  }

  @Test
  void theDynamicLoadersOwnWordsAreQuotedFromJCudasNestedMessage() {
    allPresent();
    doThrow(
            new UnsatisfiedLinkError(
                String.join(
                    "\n",
                    "Error while loading native library \"JCublas2-11.7.0-linux-x86_64\"",
                    "Operating system name: Linux",
                    "---(start of nested stack traces)---",
                    "Stack trace from the attempt to load the library as a file:",
                    "java.lang.UnsatisfiedLinkError: no JCublas2-11.7.0-linux-x86_64 in"
                        + " java.library.path: /usr/lib",
                    "\tat java.base/java.lang.System.loadLibrary(System.java:2006)",
                    "Stack trace from the attempt to load the library as a resource:",
                    "java.lang.UnsatisfiedLinkError: /tmp/libJCublas2-11.7.0-linux-x86_64.so:"
                        + " /opt/cuda/libcublas.so.11: version `libcublas.so.11' not found",
                    "---(end of nested stack traces)---")))
        .when(calls.cublas())
        .loadCublas();
    Availability a = check();
    assertTrue(
        a.reason()
            .startsWith(
                "cuBLAS: libcublas.so.11 is not loadable (/opt/cuda/libcublas.so.11: version"
                    + " `libcublas.so.11' not found)"),
        a.reason());
  }

  @Test
  void missingNvrtc() {
    allPresent();
    doThrow(new UnsatisfiedLinkError("libnvrtc.so.11.2: cannot open shared object file"))
        .when(calls.nvrtc())
        .loadNvrtc();
    Availability a = check();
    assertTrue(a.reason().startsWith("NVRTC: libnvrtc.so.11.2 is not loadable"), a.reason());
  }

  @Test
  void neverThrowsEvenWhenTheJCudaRuntimeItselfIsMissing() {
    doThrow(new NoClassDefFoundError("jcuda/runtime/JCuda")).when(calls.runtime()).loadRuntime();
    when(calls.cudnn().cudnnVersion()).thenThrow(new IllegalStateException("boom"));
    Availability a = check();
    assertFalse(a.available());
    assertTrue(
        a.reason()
            .startsWith(
                "the JCuda runtime library (the CUDA 11.7 runtime is linked into it) could not be"
                    + " loaded: NoClassDefFoundError: jcuda/runtime/JCuda"),
        a.reason());
    assertTrue(
        a.reason().contains("cuDNN: loaded, but not usable (IllegalStateException: boom)"),
        a.reason());
  }

  @Test
  void cudnn86WithoutTheUnversionedNvrtcLinkIsRefusedBeforeItCanAbortTheJvm() {
    allPresent();
    when(files.findable("libnvrtc.so")).thenReturn(false);
    when(files.directories()).thenReturn(List.of(Path.of("/opt/cuda/lib")));
    Availability a = check();
    assertFalse(a.available());
    assertTrue(
        a.reason()
            .startsWith(
                "cuDNN 8.6.0 opens libnvrtc.so at run time and aborts the JVM without it, but it is"
                    + " in none of [/opt/cuda/lib] nor the loader cache: add a link libnvrtc.so ->"
                    + " libnvrtc.so.11.2"),
        a.reason());
    when(calls.cudnn().cudnnVersion()).thenReturn(8500L);
    assertTrue(check().available(), "cuDNN 8.5 does not open libnvrtc.so itself");
  }

  @Test
  void versionsAreWrittenAsNvidiaWritesThem() {
    assertEquals("11.7", CudnnAvailability.cudaVersion(11070));
    assertEquals("12.4", CudnnAvailability.cudaVersion(12040));
    assertEquals("8.6.0", CudnnAvailability.cudnnVersion(8600));
    assertEquals("8.9.7", CudnnAvailability.cudnnVersion(8907));
    assertEquals("9.1.0", CudnnAvailability.cudnnVersion(90100));
  }
}
