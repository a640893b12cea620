package dev.alexnet4j.backend.nd4j;

import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads libnd4j once, choosing its oneDNN build.
 *
 * <p>The plain {@code linux-x86_64} natives of nd4j-native have no oneDNN and are 3 to 7 times
 * slower on convolutions (docs/BACKEND-NOTES.md), so the pom ships only the {@code
 * linux-x86_64-onednn} classifier. JavaCPP looks for {@code <platform><extension>} natives, and
 * reads the extension from a system property when it first loads a library: it must be set before
 * any ND4J class initialises, which is why every entry point of this backend calls {@link #load()}
 * first. The property is set only when the oneDNN natives are on the class path, so the {@code
 * -Pcuda} profile (nd4j-cuda, no extension) is unaffected, and never over a user's own choice.
 */
final class Nd4jNativeLibrary {
  static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
  static final String ONEDNN_EXTENSION = "-onednn";
  static final String ONEDNN_RESOURCE =
      "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/";

  private static final Logger LOG = LoggerFactory.getLogger(Nd4jNativeLibrary.class);

  /** The build information of the loaded library, or null before the first successful load. */
  private static String buildInfo;

  /** Why the first load failed; later calls report the same cause instead of a bare NoClassDef. */
  private static Throwable failure;

  /** The CPUs the loading thread could run on before libnd4j loaded (see {@link #cpusAtLoad}). */
  private static List<Integer> cpusAtLoad;

  private Nd4jNativeLibrary() {}

  /**
   * Sets {@value #EXTENSION_PROPERTY} to {@value #ONEDNN_EXTENSION} if it is unset and the oneDNN
   * natives are on the class path. Does not load anything.
   */
  static synchronized void prepare() {
    if (System.getProperty(EXTENSION_PROPERTY) != null) {
      return;
    }
    ClassLoader loader = Nd4jNativeLibrary.class.getClassLoader();
    if (loader != null && loader.getResource(ONEDNN_RESOURCE) != null) {
      System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
    }
  }

  /**
   * Loads libnd4j (once) and returns its build information.
   *
   * @throws IllegalStateException if the library cannot be loaded, or the oneDNN build was asked
   *     for and another one was loaded
   */
  static synchronized String load() {
    if (buildInfo != null) {
      return buildInfo;
    }
    if (failure != null) {
      throw new IllegalStateException(
          "nd4j native library failed to load earlier: " + describe(failure), failure);
    }
    String info;
    try {
      prepare();
      // Before any OpenMP region pins this thread, so that the helpers keep every core.
      Nd4jHostLoops.startHelpers();
      cpusAtLoad = readCpus();
      // Nd4j.getBackend() runs the static initialisation that loads the natives.
      Nd4j.getBackend();
      info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
    } catch (Throwable t) {
      failure = t;
      throw new IllegalStateException(
          "nd4j native library could not be loaded: " + describe(t) + hint(), t);
    }
    String extension = System.getProperty(EXTENSION_PROPERTY, "");
    boolean oneDnn = info != null && info.contains("HAVE_ONEDNN");
    LOG.info(
        "nd4j backend {} loaded, {}={}: {}",
        Nd4j.getBackend().getClass().getSimpleName(),
        EXTENSION_PROPERTY,
        extension.isEmpty() ? "(unset)" : extension,
        oneDnn ? "HAVE_ONEDNN" : "no HAVE_ONEDNN in its build information");
    if (extension.contains("onednn") && !oneDnn) {
      IllegalStateException e =
          new IllegalStateException(
              "nd4j: "
                  + EXTENSION_PROPERTY
                  + "="
                  + extension
                  + " asks for the oneDNN build of libnd4j, but the loaded library reports no"
                  + " HAVE_ONEDNN; build information: "
                  + info);
      failure = e;
      throw e;
    }
    buildInfo = info == null ? "" : info;
    return buildInfo;
  }

  /**
   * The CPUs this process could use when libnd4j loaded: read then, because with {@code
   * OMP_PROC_BIND} set libgomp pins the loading thread to one core and threads made later inherit
   * that. Loads libnd4j first if needed.
   */
  static synchronized List<Integer> cpusAtLoad() {
    load();
    return cpusAtLoad;
  }

  private static List<Integer> readCpus() {
    if (CpuAffinity.supported()) {
      try {
        return List.copyOf(CpuAffinity.ofCallingThread());
      } catch (RuntimeException e) {
        LOG.debug("nd4j: CPU affinity not readable, assuming CPUs from 0: {}", e.getMessage());
      }
    }
    return IntStream.range(0, Runtime.getRuntime().availableProcessors()).boxed().toList();
  }

  /** What to check when loading failed with the oneDNN natives on the class path. */
  private static String hint() {
    ClassLoader loader = Nd4jNativeLibrary.class.getClassLoader();
    if (loader == null || loader.getResource(ONEDNN_RESOURCE) == null) {
      return "";
    }
    return " (the class path holds only the "
        + ONEDNN_RESOURCE
        + " natives, which JavaCPP finds only with -D"
        + EXTENSION_PROPERTY
        + "="
        + ONEDNN_EXTENSION
        + " set before ND4J first loads; it is "
        + System.getProperty(EXTENSION_PROPERTY, "unset")
        + ")";
  }

  /** The exception chain in one line, so that the root cause (a missing .so) is visible. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }
}
