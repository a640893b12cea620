package dev.alexnet4j.backend.cudnn;

import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/**
 * The one checked boundary for NVRTC (JNvrtc): compiling the backend's own kernels: every such call
 * of this backend goes through here, every status is checked, and a failure becomes a {@link
 * NativeCallException} naming the call, the status, the device and the layer. Reached through
 * {@link CudaCalls}; tests mock it.
 */
class NvrtcCalls {
  /** Loads JNvrtc natives, which need {@code libnvrtc.so.11.2}. */
  void loadNvrtc() {
    JNvrtc.setExceptionsEnabled(false);
  }

  String nvrtcVersion(CallSite at) {
    int[] major = new int[1];
    int[] minor = new int[1];
    nvrtc(at, "nvrtcVersion", JNvrtc.nvrtcVersion(major, minor));
    return major[0] + "." + minor[0];
  }

  /** Compiles CUDA C to PTX; a compile error carries NVRTC's log. */
  String compileToPtx(CallSite at, String source, String name, String[] options) {
    return compile(
        at,
        source,
        name,
        options,
        program -> {
          String[] ptx = new String[1];
          nvrtc(at, "nvrtcGetPTX", JNvrtc.nvrtcGetPTX(program, ptx));
          return ptx[0];
        });
  }

  /**
   * Compiles CUDA C to a cubin, machine code the driver loads without JIT-compiling it (so a driver
   * older than NVRTC loads it too); the options must name a real architecture ({@code sm_XY}).
   * Empty when NVRTC made none: NVIDIA documents a cubin size of 0 for a virtual architecture.
   */
  byte[] compileToCubin(CallSite at, String source, String name, String[] options) {
    return compile(
        at,
        source,
        name,
        options,
        program -> {
          long[] size = new long[1];
          nvrtc(at, "nvrtcGetCUBINSize", JNvrtc.nvrtcGetCUBINSize(program, size));
          byte[] cubin = new byte[Math.toIntExact(size[0])];
          if (cubin.length > 0) {
            nvrtc(at, "nvrtcGetCUBIN", JNvrtc.nvrtcGetCUBIN(program, cubin));
          }
          return cubin;
        });
  }

  /** Creates, compiles, reads the {@code output} of and destroys one NVRTC program. */
  private static <T> T compile(
      CallSite at,
      String source,
      String name,
      String[] options,
      java.util.function.Function<nvrtcProgram, T> output) {
    nvrtcProgram program = new nvrtcProgram();
    nvrtc(
        at, "nvrtcCreateProgram", JNvrtc.nvrtcCreateProgram(program, source, name, 0, null, null));
    try {
      int status = JNvrtc.nvrtcCompileProgram(program, options.length, options);
      if (status != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(program, log);
        throw new NativeCallException(
            "nvrtcCompileProgram(" + name + ")",
            nvrtcResult.stringFor(status),
            status,
            at,
            "compile log: " + log[0]);
      }
      return output.apply(program);
    } finally {
      JNvrtc.nvrtcDestroyProgram(program);
    }
  }

  /** The virtual architectures NVRTC can compile for, e.g. [52, ..., 86], or empty if unknown. */
  int[] nvrtcArchitectures(CallSite at) {
    int[] count = new int[1];
    if (JNvrtc.nvrtcGetNumSupportedArchs(count) != nvrtcResult.NVRTC_SUCCESS) {
      return new int[0];
    }
    int[] archs = new int[count[0]];
    nvrtc(at, "nvrtcGetSupportedArchs", JNvrtc.nvrtcGetSupportedArchs(archs));
    return archs;
  }

  static void nvrtc(CallSite at, String call, int status) {
    if (status != nvrtcResult.NVRTC_SUCCESS) {
      throw new NativeCallException(call, nvrtcResult.stringFor(status), status, at, "");
    }
  }
}
