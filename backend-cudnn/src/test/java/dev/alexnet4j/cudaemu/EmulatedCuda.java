package dev.alexnet4j.cudaemu;

/**
 * The test side of the emulated CUDA stack (module {@code cuda-emulator}): whether this JVM runs on
 * it, and what it still holds. Its natives live in the emulator's replacement of JCuda's runtime
 * library, so they resolve once JCuda has loaded that library.
 *
 * <p>Emulated runs prove our code, JCuda's JNI marshalling and our reading of NVIDIA's API
 * documentation; never GPU numerics or speed.
 */
public final class EmulatedCuda {
  /**
   * Set by the build's emulated test executions; never by a user's run. Outside the {@code
   * alexnet4j} namespace, which the config validator checks against the known keys.
   */
  public static final String PROPERTY = "alexnet4j-test.cuda-emulated";

  private EmulatedCuda() {}

  /** True when the build has put this JVM on the emulated CUDA stack. */
  public static boolean active() {
    return Boolean.getBoolean(PROPERTY);
  }

  /**
   * Every allocation, stream and handle still alive on the emulated devices, one per line; empty
   * when nothing is.
   */
  public static String liveObjects() {
    loadRuntime();
    return liveReport();
  }

  /**
   * Bytes of device memory allocated on {@code device} and not yet freed (cudaMalloc less
   * cudaFree); -1 for a device the emulator does not have.
   */
  public static long memoryUsed(int device) {
    loadRuntime();
    return memoryUsed0(device);
  }

  /** How many devices the emulator offers (ALEXNET4J_CUDA_EMU_DEVICES, default 2). */
  public static int devices() {
    loadRuntime();
    return deviceCount();
  }

  private static void loadRuntime() {
    // Class initialisation of JCuda loads libJCudaRuntime, which carries this class's natives.
    jcuda.runtime.JCuda.setExceptionsEnabled(false);
  }

  private static native String liveReport();

  private static native int deviceCount();

  private static native long memoryUsed0(int device);
}
