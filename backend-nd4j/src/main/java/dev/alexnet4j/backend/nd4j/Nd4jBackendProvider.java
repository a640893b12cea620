package dev.alexnet4j.backend.nd4j;

import com.google.inject.Module;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;

/**
 * The ND4J backend as {@link java.util.ServiceLoader} finds it ({@code alexnet4j.backend = nd4j}).
 */
public final class Nd4jBackendProvider implements BackendProvider {

  @Override
  public String name() {
    return Nd4jBackend.NAME;
  }

  /**
   * Loads libnd4j to see whether it can run here. Loading is once per JVM and is what the backend
   * would do first anyway; a failure (missing or incompatible .so, an Error from the JNI loader,
   * the oneDNN build asked for but another loaded) is reported, never thrown.
   */
  @Override
  public Availability availability() {
    try {
      Nd4jNativeLibrary.load();
      return Availability.yes();
    } catch (Throwable t) {
      // load() words its own failures, with the whole cause chain; anything else is described.
      String why =
          t instanceof IllegalStateException
              ? t.getMessage()
              : "nd4j native library could not be loaded: " + Nd4jNativeLibrary.describe(t);
      return Availability.no(
          why + " [" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "]");
    }
  }

  @Override
  public Module module() {
    return new Nd4jBackendModule();
  }

  @Override
  public String toString() {
    return "Nd4jBackendProvider[" + name() + "]";
  }
}
