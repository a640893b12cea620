package dev.alexnet4j.backend.cudnn;

import java.util.Objects;

/**
 * Every call this backend makes into JCuda, JCublas, JCudnn, JNvrtc and the CUDA driver API goes
 * through here, and only here: one checked boundary per library ({@link RuntimeCalls}, {@link
 * CudnnCalls}, {@link CublasCalls}, {@link NvrtcCalls}, {@link DriverCalls}), each of which checks
 * every status and turns a failure into a {@link NativeCallException} naming the call, the status,
 * the device and the layer. Plans reach a library as {@code calls.cudnn().poolingForward(...)}, so
 * that the plans can be tested without a GPU by handing them mocks of the five.
 *
 * <p>JCuda's own exceptions stay disabled (its default): they name neither device nor layer.
 * Loading a JCuda class whose native library is missing throws {@link UnsatisfiedLinkError} and
 * later uses {@link NoClassDefFoundError}; those are {@link LinkageError}s and are left to the
 * caller ({@link CudnnAvailability} catches them).
 */
final class CudaCalls {
  private static final int FLOAT_BYTES = 4;

  private final RuntimeCalls runtime;
  private final CudnnCalls cudnn;
  private final CublasCalls cublas;
  private final NvrtcCalls nvrtc;
  private final DriverCalls driver;

  /** The real calls. */
  CudaCalls() {
    this(
        new RuntimeCalls(),
        new CudnnCalls(),
        new CublasCalls(),
        new NvrtcCalls(),
        new DriverCalls());
  }

  CudaCalls(
      RuntimeCalls runtime,
      CudnnCalls cudnn,
      CublasCalls cublas,
      NvrtcCalls nvrtc,
      DriverCalls driver) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.cudnn = Objects.requireNonNull(cudnn, "cudnn");
    this.cublas = Objects.requireNonNull(cublas, "cublas");
    this.nvrtc = Objects.requireNonNull(nvrtc, "nvrtc");
    this.driver = Objects.requireNonNull(driver, "driver");
  }

  /** The CUDA runtime: devices, streams, events, memory. */
  RuntimeCalls runtime() {
    return runtime;
  }

  /** cuDNN: descriptors and the layer ops. */
  CudnnCalls cudnn() {
    return cudnn;
  }

  /** cuBLAS: the dense layer's and SGD's BLAS. */
  CublasCalls cublas() {
    return cublas;
  }

  /** NVRTC: compiling the backend's own kernels. */
  NvrtcCalls nvrtc() {
    return nvrtc;
  }

  /** The driver API: loading and launching those kernels. */
  DriverCalls driver() {
    return driver;
  }

  static long floatBytes(long elements) {
    return elements * FLOAT_BYTES;
  }
}
