package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Choosing {@code alexnet4j.backend = cudnn} through the one entry point, on this machine's real
 * libraries: where the backend cannot run, start-up fails with the provider's report, never with an
 * {@link UnsatisfiedLinkError}.
 */
class CudnnBackendSelectionTest {

  @Test
  void isFoundByServiceLoaderAsCudnn() {
    BackendProvider found =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("cudnn"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no provider named cudnn on the class path"));
    assertInstanceOf(CudnnBackendProvider.class, found);
  }

  @Test
  void availabilityNeverThrowsAndNamesAMissingLibraryFileWhenUnavailable() {
    Availability a = new CudnnBackendProvider().availability();
    // Asking twice gives the same words: the second load of a failed JCuda class would otherwise
    // say only NoClassDefFoundError.
    Availability again = new CudnnBackendProvider().availability();
    assertTrue(a.equals(again), a + " vs " + again);
    System.out.println("cudnn availability here: " + a);
    if (!a.available()) {
      assertTrue(
          Pattern.compile("lib(cuda|cublas|cudnn|nvrtc)\\.so\\.[0-9.]+ is not loadable")
                  .matcher(a.reason())
                  .find()
              || a.reason().contains("no CUDA GPU")
              || a.reason().contains("the NVIDIA driver supports CUDA"),
          a.reason());
    }
  }

  /**
   * On this machine's real libraries: each file the loader cannot find anywhere is named in the
   * report (on the build machine, all four are missing).
   */
  @ParameterizedTest
  @ValueSource(strings = {"libcuda.so.1", "libcublas.so.11", "libcudnn.so.8", "libnvrtc.so.11.2"})
  void eachLibraryTheLoaderCannotFindIsNamed(String file) {
    assumeFalse(new LibraryFiles().findable(file), file + " is installed here");
    Availability here = new CudnnBackendProvider().availability();
    // Natives re-pointed at other versions (the H200 bundle: cuDNN 9, cuBLAS 13) need none of them.
    assumeFalse(here.available(), "the backend runs here without " + file);
    assertTrue(here.reason().contains(file + " is not loadable"), here.reason());
  }

  @Test
  void selectingCudnnWhereItCannotRunFailsAtStartUpWithTheReport() {
    Availability here = new CudnnBackendProvider().availability();
    assumeFalse(here.available(), "this machine can run cuDNN; the error path does not apply");
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> Alexnet4j.createInjector(Alexnet4j.loadConfig("alexnet4j.backend = cudnn")));
    String message = e.getMessage();
    assertTrue(message.contains("alexnet4j.backend"), message);
    assertTrue(message.contains("backend 'cudnn' cannot run here"), message);
    assertTrue(message.contains(here.reason()), message);
    Matcher file = Pattern.compile("lib(cuda|cublas|cudnn|nvrtc)\\.so\\.[0-9.]+").matcher(message);
    assertTrue(file.find(), "the message names the missing library file: " + message);
  }
}
