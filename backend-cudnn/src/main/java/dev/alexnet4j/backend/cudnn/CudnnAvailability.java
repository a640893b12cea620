package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Availability;
import java.util.ArrayList;
import java.util.List;
import jcuda.runtime.cudaError;

/**
 * Whether this backend can run here, and if not exactly what is missing: the NVIDIA driver ({@code
 * libcuda.so.1}), a GPU, cuBLAS 11 ({@code libcublas.so.11}), cuDNN 8 ({@code libcudnn.so.8}) or
 * NVRTC ({@code libnvrtc.so.11.2}). Every part is checked, so one report names everything missing,
 * with the versions of what is there.
 *
 * <p>A JCuda class whose native library cannot be loaded throws {@link UnsatisfiedLinkError} once
 * and {@link NoClassDefFoundError} ever after, which no longer names the file; so the first result
 * for the real libraries is kept for the life of the JVM ({@link #here()}).
 */
final class CudnnAvailability {
  static final String DRIVER = "libcuda.so.1";
  static final String CUBLAS = "libcublas.so.11";
  static final String CUDNN = "libcudnn.so.8";
  static final String NVRTC = "libnvrtc.so.11.2";

  static final String NVRTC_UNVERSIONED = "libnvrtc.so";

  /** The CUDA runtime JCuda 11.7.0 links in. */
  static final String RUNTIME = "11.7";

  static final String NEEDS =
      "The cudnn backend needs an NVIDIA GPU, its driver for CUDA 11.7 or newer ("
          + DRIVER
          + "), cuBLAS 11 ("
          + CUBLAS
          + "), cuDNN 8 ("
          + CUDNN
          + ") and NVRTC 11.2 or newer ("
          + NVRTC
          + ") on LD_LIBRARY_PATH or in /usr/local/cuda/lib64 (see the README, \"cuDNN backend\");"
          + " or choose alexnet4j.backend = nd4j.";

  private static Availability here;

  private CudnnAvailability() {}

  /** The report for this machine's real libraries, computed once. */
  static synchronized Availability here() {
    if (here == null) {
      here = check(new CudaCalls(), new LibraryFiles());
    }
    return here;
  }

  /**
   * Probes through {@code calls}, looking for late-opened libraries in {@code files}; never throws.
   */
  static Availability check(CudaCalls calls, LibraryFiles files) {
    try {
      List<String> missing = new ArrayList<>();
      List<String> found = new ArrayList<>();
      checkDriverAndGpu(calls, missing, found);
      probe(
          "cuBLAS",
          CUBLAS,
          "org.jcuda:jcublas",
          () -> {
            calls.cublas().loadCublas();
            return "cuBLAS " + calls.cublas().cublasVersion(CallSite.probe());
          },
          missing,
          found);
      probe(
          "cuDNN",
          CUDNN,
          "org.jcuda:jcudnn",
          () -> {
            calls.cudnn().loadCudnn();
            return "cuDNN " + cudnnVersion(calls.cudnn().cudnnVersion());
          },
          missing,
          found);
      checkUnversionedNvrtc(calls, files, missing);
      probe(
          "NVRTC",
          NVRTC,
          "org.jcuda:jcuda",
          () -> {
            calls.nvrtc().loadNvrtc();
            return "NVRTC " + calls.nvrtc().nvrtcVersion(CallSite.probe());
          },
          missing,
          found);
      if (missing.isEmpty()) {
        return Availability.yes();
      }
      return Availability.no(
          String.join("; ", missing)
              + (found.isEmpty() ? "" : " (found: " + String.join(", ", found) + ")")
              + ". "
              + NEEDS);
    } catch (Throwable t) {
      // The contract is never to throw: whatever escaped the probes above is reported.
      return Availability.no("the availability check itself failed: " + describe(t) + ". " + NEEDS);
    }
  }

  private static void checkDriverAndGpu(CudaCalls calls, List<String> missing, List<String> found) {
    CallSite at = CallSite.probe();
    try {
      calls.runtime().loadRuntime();
    } catch (LinkageError e) {
      missing.add(
          "the JCuda runtime library (the CUDA 11.7 runtime is linked into it) could not be"
              + " loaded: "
              + describe(e));
      return;
    }
    // Without a driver even cudaRuntimeGetVersion fails (cudaErrorInsufficientDriver): 0 then.
    int runtime = versionOrZero(() -> calls.runtime().runtimeVersion(at));
    int driver = versionOrZero(() -> calls.runtime().driverVersion(at));
    int[] count = new int[1];
    int status = calls.runtime().deviceCountStatus(count);
    String runtimeText = runtime > 0 ? cudaVersion(runtime) : RUNTIME;
    if (runtime > 0) {
      found.add("CUDA runtime " + runtimeText + " (in JCuda)");
    }
    if (driver == 0) {
      missing.add(
          "no NVIDIA driver: "
              + DRIVER
              + " is not loadable (cudaGetDeviceCount: "
              + cudaError.stringFor(status)
              + ")");
      return;
    }
    if (status == cudaError.cudaErrorInsufficientDriver) {
      missing.add(
          "the NVIDIA driver supports CUDA "
              + cudaVersion(driver)
              + ", older than the CUDA "
              + runtimeText
              + " runtime needs");
      return;
    }
    if (status == cudaError.cudaErrorNoDevice
        || (status == cudaError.cudaSuccess && count[0] == 0)) {
      missing.add("no CUDA GPU: the driver (CUDA " + cudaVersion(driver) + ") sees none");
      return;
    }
    if (status != cudaError.cudaSuccess) {
      missing.add(
          "cudaGetDeviceCount failed with "
              + cudaError.stringFor(status)
              + " (driver CUDA "
              + cudaVersion(driver)
              + ")");
      return;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count[0]; i++) {
      names.add(calls.runtime().deviceProperties(at, i).toString());
    }
    found.add("driver CUDA " + cudaVersion(driver) + " with " + names);
  }

  /**
   * cuDNN 8.6 and later open the unversioned {@code libnvrtc.so} themselves when they first need a
   * runtime-compiled kernel, and without it the process aborts (exit 134) with no Java exception:
   * refuse up front instead.
   */
  private static void checkUnversionedNvrtc(
      CudaCalls calls, LibraryFiles files, List<String> missing) {
    long version;
    try {
      version = calls.cudnn().cudnnVersion();
    } catch (LinkageError | RuntimeException e) {
      return; // cuDNN itself is missing, which is reported already
    }
    if (version >= 8600 && version < 9000 && !files.findable(NVRTC_UNVERSIONED)) {
      missing.add(
          "cuDNN "
              + cudnnVersion(version)
              + " opens "
              + NVRTC_UNVERSIONED
              + " at run time and aborts the JVM without it, but it is in none of "
              + files.directories()
              + " nor the loader cache: add a link "
              + NVRTC_UNVERSIONED
              + " -> "
              + NVRTC
              + " next to "
              + NVRTC);
    }
  }

  private interface VersionQuery {
    int run();
  }

  private static int versionOrZero(VersionQuery query) {
    try {
      return query.run();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private interface Probe {
    String run();
  }

  private static void probe(
      String library,
      String file,
      String jar,
      Probe probe,
      List<String> missing,
      List<String> found) {
    try {
      found.add(probe.run());
    } catch (LinkageError e) {
      if (isMissingClass(e)) {
        missing.add(
            library
                + ": the Java binding is not on the class path ("
                + jar
                + ":11.7.0 and its linux-x86_64 natives; "
                + describe(e)
                + ")");
      } else {
        missing.add(library + ": " + file + " is not loadable (" + loaderError(e) + ")");
      }
    } catch (RuntimeException e) {
      missing.add(library + ": loaded, but not usable (" + describe(e) + ")");
    }
  }

  /**
   * A class that is not there at all, as opposed to one whose static initialiser (the native
   * library load) failed before: the JVM words the second "Could not initialize class".
   */
  static boolean isMissingClass(LinkageError e) {
    return e instanceof NoClassDefFoundError
        && (e.getMessage() == null || !e.getMessage().startsWith("Could not initialize class"));
  }

  /**
   * What the dynamic loader said, e.g. {@code libcudnn.so.8: cannot open shared object file: No
   * such file or directory}. JCuda's loader message nests the errors of its two attempts (from
   * {@code java.library.path}, then from the jar) as stack traces; the useful lines are the
   * loader's own, not "no ... in java.library.path". Falls back to the first line.
   */
  static String loaderError(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    List<String> reasons = new ArrayList<>();
    for (String line : message.split("\\R")) {
      String marker = "UnsatisfiedLinkError: ";
      int at = line.indexOf(marker);
      if (at < 0 || line.contains("in java.library.path")) {
        continue;
      }
      String reason = line.substring(at + marker.length()).strip();
      // "/tmp/libJCudnn-11.7.0-linux-x86_64.so: libcudnn.so.8: cannot open ..." -> from libcudnn
      int so = reason.indexOf(".so: ");
      if (reason.startsWith("/") && so > 0) {
        reason = reason.substring(so + ".so: ".length());
      }
      if (!reasons.contains(reason)) {
        reasons.add(reason);
      }
    }
    return reasons.isEmpty() ? describe(e) : String.join("; ", reasons);
  }

  /** 11070 as 11.7. */
  static String cudaVersion(int v) {
    return (v / 1000) + "." + (v % 1000) / 10;
  }

  /** cuDNN 8's 8600 as 8.6.0 (cuDNN 9 numbers 90100 as 9.1.0). */
  static String cudnnVersion(long v) {
    if (v >= 90000) {
      return (v / 10000) + "." + (v % 10000) / 100 + "." + (v % 100);
    }
    return (v / 1000) + "." + (v % 1000) / 100 + "." + (v % 100);
  }

  /** The exception chain on one line, each message cut to its first line. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        String m = c.getMessage().strip();
        int nl = m.indexOf('\n');
        sb.append(": ").append(nl < 0 ? m : m.substring(0, nl));
      }
    }
    return sb.toString();
  }
}
