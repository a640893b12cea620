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

/**
 * This backend's own CUDA kernels ({@code kernels.cu}: fill, multiply, dropout mask, SGD update,
 * cross-entropy gradient), compiled for one device with NVRTC when first needed and loaded as a
 * driver-API module into the device's primary context.
 *
 * <p>NVRTC 11.x cannot target GPUs newer than itself, so the PTX is built for the newest virtual
 * architecture NVRTC supports that does not exceed the device's; the driver JIT-compiles PTX
 * forward to newer GPUs.
 */
class CudaKernels implements AutoCloseable {
  static final String SOURCE = "kernels.cu";
  static final int BLOCK = 256;

  /** Enough blocks to fill any current GPU; the kernels loop over the rest (grid stride). */
  static final int MAX_BLOCKS = 4096;

  private static final List<String> NAMES =
      List.of(
          "fill_f32",
          "multiply_f32",
          "dropout_forward",
          "sgd_update",
          "cross_entropy_gradient",
          "gather_labels");

  private final CudaDevice device;
  private final CudaCalls calls;
  private final CallSite site;
  private final CUmodule module;
  private final Map<String, CUfunction> functions = new HashMap<>();

  CudaKernels(CudaDevice device) {
    this.device = device;
    this.calls = device.calls();
    this.site = new CallSite(device.device().toString(), "cudnn backend kernels (" + SOURCE + ")");
    GpuProperties gpu = calls.deviceProperties(site, device.index());
    int arch = architecture(calls.nvrtcArchitectures(site), gpu.computeCapability());
    String ptx =
        calls.compileToPtx(
            site,
            source(),
            SOURCE,
            new String[] {"--gpu-architecture=compute_" + arch, "--fmad=false"});
    this.module = calls.loadModule(site, ptx);
    for (String name : NAMES) {
      functions.put(name, calls.function(site, module, name));
    }
  }

  /**
   * The virtual architecture to compile for: the newest NVRTC supports that is not newer than the
   * device; without NVRTC's list (older NVRTC), the device's own capped at 8.0, which NVRTC 11.0
   * and later all support.
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
    calls.launch(at, name, functions.get(name), blocks(n), BLOCK, device.stream(), arguments);
  }

  void fill(CallSite at, Pointer x, int n, float value) {
    launch(at, "fill_f32", n, List.of(x, n, value));
  }

  void multiply(CallSite at, Pointer a, Pointer b, Pointer out, int n) {
    launch(at, "multiply_f32", n, List.of(a, b, out, n));
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
    calls.unloadModule(site, module);
  }
}
