package dev.alexnet4j.backend.nd4j;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads oneDNN (JavaCPP's {@code org.bytedeco:dnnl} preset) once, after libnd4j, and holds the CPU
 * engine that every {@link Nd4jOneDnnConvolution} uses.
 *
 * <p>libnd4j carries its own oneDNN, linked in statically and not visible to other libraries
 * (JavaCPP loads both without {@code RTLD_GLOBAL}), so the two coexist; the preset also loads the
 * OpenCL preset it inherits, whose natives it needs even on the CPU. Both builds use OpenMP and
 * ship a {@code libgomp.so.1}: loading libnd4j first makes the dynamic linker resolve libdnnl's
 * {@code libgomp.so.1} to libnd4j's copy, already loaded under that name, so one OpenMP runtime
 * serves both and {@code OMP_NUM_THREADS}, {@code OMP_PROC_BIND} and a virtual device's thread
 * count (set through libnd4j) apply to the direct convolutions as well (docs/BACKEND-NOTES.md).
 */
final class Nd4jOneDnn {
  private static final Logger LOG = LoggerFactory.getLogger(Nd4jOneDnn.class);

  private static engine cpu;
  private static Throwable failure;

  private Nd4jOneDnn() {}

  /**
   * The CPU engine, loading libnd4j and then oneDNN on first use.
   *
   * @throws IllegalStateException if oneDNN cannot be loaded or arrays do not live in host memory
   */
  static synchronized engine engine() {
    if (cpu != null) {
      return cpu;
    }
    if (failure != null) {
      throw new IllegalStateException(
          "oneDNN (org.bytedeco:dnnl) failed to load earlier: "
              + Nd4jNativeLibrary.describe(failure),
          failure);
    }
    // libnd4j first, so that its libgomp is the one libdnnl links to (see the class comment).
    Nd4jNativeLibrary.load();
    if (!Nd4jHostLoops.available()) {
      IllegalStateException e =
          new IllegalStateException(
              Nd4jSettings.CONVOLUTION
                  + " = "
                  + Nd4jConvolutionPath.ONEDNN
                  + " needs ND4J arrays in host memory (nd4j-native); this ND4J backend keeps them"
                  + " elsewhere (nd4j-cuda?). Use "
                  + Nd4jConvolutionPath.LIBND4J
                  + ".");
      failure = e;
      throw e;
    }
    try {
      Loader.load(dnnl.class);
      cpu = new engine(engine.kind.cpu, 0);
    } catch (Throwable t) {
      failure = t;
      throw new IllegalStateException(
          "oneDNN (org.bytedeco:dnnl) could not be loaded for "
              + Nd4jSettings.CONVOLUTION
              + " = "
              + Nd4jConvolutionPath.ONEDNN
              + ": "
              + Nd4jNativeLibrary.describe(t),
          t);
    }
    dnnl_version_t v = dnnl.dnnl_version();
    List<String> openMp = openMpRuntimes();
    LOG.info(
        "oneDNN {}.{}.{} loaded for direct convolutions (CPU runtime {}), OpenMP runtimes mapped: {}",
        v.major(),
        v.minor(),
        v.patch(),
        v.cpu_runtime(),
        openMp);
    if (openMp.size() > 1) {
      LOG.warn(
          "two OpenMP runtimes are loaded ({}): libnd4j and oneDNN each keep their own threads,"
              + " and OMP settings made through libnd4j miss oneDNN's; load libnd4j before oneDNN",
          openMp);
    }
    return cpu;
  }

  /**
   * The files of the OpenMP runtimes ({@code libgomp}, {@code libiomp5}) mapped into this process,
   * read from {@code /proc/self/maps}; empty where that file does not exist.
   */
  static List<String> openMpRuntimes() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return List.copyOf(
          lines
              .filter(l -> l.contains("/"))
              .map(l -> l.substring(l.indexOf('/')))
              .filter(p -> p.contains("libgomp") || p.contains("libiomp"))
              .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * A pointer to the first element of {@code array}'s host memory, with no copy.
   *
   * @throws UnsupportedOperationException if the array is not a contiguous float array in host
   *     memory
   */
  static Pointer pointer(INDArray array, String where, String role) {
    FloatBuffer host = Nd4jHostLoops.floats(array);
    if (host == null) {
      throw new UnsupportedOperationException(
          where + ": " + role + " is not a contiguous float array in host memory");
    }
    // A direct buffer sliced at the array's offset: the pointer takes its address, position 0.
    return new FloatPointer(host);
  }
}
