package dev.alexnet4j.backend.cudnn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This backend's own CUDA kernels ({@code kernels.cu}: fill, multiply, exp, dropout mask, SGD
 * update, cross-entropy gradient), compiled for one device with NVRTC when first needed and loaded
 * as a driver-API module into the device's primary context.
 *
 * <p>The kernels are compiled to a cubin (machine code for {@code sm_XY}) where NVRTC can make one
 * that runs on the device, because the driver loads a cubin as it is, while PTX goes through the
 * driver's JIT compiler, which refuses PTX from an NVRTC newer than the driver. PTX ({@code
 * compute_XY}) is the fallback, logged: for a GPU newer than NVRTC, or when NVRTC or the driver
 * refuses the cubin.
 *
 * <p>XY is the device's compute capability clamped to the newest architecture NVRTC supports
 * ({@link #architecture}): NVRTC 11.7 knows nothing past 8.7, so it cannot compile for an H100 or
 * H200 (9.0) at all. A cubin runs only on its own major version with a minor at least its own
 * (sm_80 runs on 8.6, never on 9.0), so a clamp that crosses a major version goes straight to PTX,
 * which the driver JIT-compiles forward to newer GPUs.
 */
class CudaKernels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CudaKernels.class);

  static final String SOURCE = "kernels.cu";
  static final int BLOCK = 256;

  /** Enough blocks to fill any current GPU; the kernels loop over the rest (grid stride). */
  static final int MAX_BLOCKS = 4096;

  private static final List<String> NAMES =
      List.of(
          "fill_f32",
          "multiply_f32",
          "exp_f32",
          "dropout_forward",
          "sgd_update",
          "cross_entropy_gradient",
          "gather_labels");

  private final CudaDevice device;
  private final CudaCalls calls;
  private final CallSite site;
  private final CUmodule module;
  private String target;
  private final Map<String, CUfunction> functions = new HashMap<>();

  CudaKernels(CudaDevice device) {
    this.device = device;
    this.calls = device.calls();
    this.site = new CallSite(device.device().toString(), "cudnn backend kernels (" + SOURCE + ")");
    GpuProperties gpu = calls.runtime().deviceProperties(site, device.index());
    int arch = architecture(calls.nvrtc().nvrtcArchitectures(site), gpu.computeCapability());
    this.module = load(gpu, arch, source());
    for (String name : NAMES) {
      functions.put(name, calls.driver().function(site, module, name));
    }
  }

  /**
   * The module from an sm_{@code arch} cubin where that can run on the GPU, else (logged, with why)
   * from compute_{@code arch} PTX; a PTX failure carries the cubin's as suppressed.
   */
  private CUmodule load(GpuProperties gpu, int arch, String source) {
    NativeCallException cubinFailure = null;
    String why;
    if (cubinRuns(arch, gpu.computeCapability())) {
      try {
        byte[] cubin = calls.nvrtc().compileToCubin(site, source, SOURCE, options("sm_" + arch));
        if (cubin.length > 0) {
          CUmodule loaded = calls.driver().loadModule(site, cubin);
          target = "sm_" + arch + " cubin";
          return loaded;
        }
        why = "NVRTC made no cubin for sm_" + arch;
      } catch (NativeCallException e) {
        cubinFailure = e;
        why = "the sm_" + arch + " cubin failed: " + e.getMessage();
      }
    } else {
      why =
          "NVRTC's newest architecture not above the GPU is "
              + arch / 10
              + "."
              + arch % 10
              + ", whose cubin cannot run on a "
              + gpu.major()
              + ".x GPU";
    }
    LOG.warn(
        "{}: loading compute_{} PTX, which the driver JIT-compiles, instead of a cubin for {}: {}",
        site,
        arch,
        gpu,
        why);
    try {
      String ptx = calls.nvrtc().compileToPtx(site, source, SOURCE, options("compute_" + arch));
      CUmodule loaded = calls.driver().loadModule(site, ptx);
      target = "compute_" + arch + " PTX";
      return loaded;
    } catch (NativeCallException e) {
      if (cubinFailure != null) {
        e.addSuppressed(cubinFailure);
      }
      throw e;
    }
  }

  private static String[] options(String architecture) {
    return new String[] {"--gpu-architecture=" + architecture, "--fmad=false"};
  }

  /**
   * Whether a cubin for {@code arch} runs on a GPU of {@code deviceCapability}: the same major
   * version and a minor no higher than the GPU's (CUDA's binary compatibility).
   */
  static boolean cubinRuns(int arch, int deviceCapability) {
    return arch / 10 == deviceCapability / 10 && arch <= deviceCapability;
  }

  /** What the module was loaded from, e.g. {@code sm_80 cubin} or {@code compute_87 PTX}. */
  String target() {
    return target;
  }

  /**
   * The architecture to compile for: the newest NVRTC supports that is not newer than the device
   * (NVRTC cannot compile for an architecture it does not know); without NVRTC's list (older
   * NVRTC), the device's own capped at 8.0, which NVRTC 11.0 and later all support.
   */
  static int architecture(int[] supported, int deviceCapability) {
    int best = -1;
    for (int a : supported) {
      if (a <= deviceCapability && a > best) {
        best = a;
      }
    }
    if (best > 0) {
      return best;
    }
    return Math.min(deviceCapability, 80);
  }

  static String source() {
    try (InputStream in = CudaKernels.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "cudnn backend: resource " + SOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cudnn backend: cannot read " + SOURCE, e);
    }
  }

  static int blocks(long n) {
    return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + BLOCK - 1) / BLOCK));
  }

  private void launch(CallSite at, String name, long n, List<Object> arguments) {
    calls
        .driver()
        .launch(at, name, functions.get(name), blocks(n), BLOCK, device.stream(), arguments);
  }

  void fill(CallSite at, Pointer x, int n, float value) {
    launch(at, "fill_f32", n, List.of(x, n, value));
  }

  void multiply(CallSite at, Pointer a, Pointer b, Pointer out, int n) {
    launch(at, "multiply_f32", n, List.of(a, b, out, n));
  }

  void exp(CallSite at, Pointer x, Pointer y, int n) {
    launch(at, "exp_f32", n, List.of(x, y, n));
  }

  void dropoutForward(CallSite at, Pointer x, Pointer y, Pointer mask, DropoutLaunch d) {
    launch(
        at,
        "dropout_forward",
        d.size(),
        List.of(
            x,
            y,
            mask,
            d.size(),
            d.localChannels(),
            d.rest(),
            d.totalChannels(),
            d.channelOffset(),
            d.batchOffset(),
            d.streamKey(),
            d.threshold(),
            d.scale()));
  }

  void sgd(
      CallSite at,
      Pointer w,
      Pointer g,
      Pointer v,
      int n,
      float momentum,
      float minusDecayTimesRate,
      float minusRate) {
    launch(at, "sgd_update", n, List.of(w, g, v, n, momentum, minusDecayTimesRate, minusRate));
  }

  void crossEntropyGradient(
      CallSite at, Pointer p, Pointer labels, Pointer grad, int batch, int classes) {
    launch(
        at,
        "cross_entropy_gradient",
        (long) batch * classes,
        List.of(p, labels, grad, batch, classes, (float) (1.0 / batch)));
  }

  void gatherLabels(
      CallSite at, Pointer logp, Pointer labels, Pointer out, int batch, int classes) {
    launch(at, "gather_labels", batch, List.of(logp, labels, out, batch, classes));
  }

  @Override
  public void close() {
    calls.driver().unloadModule(site, module);
  }
}
