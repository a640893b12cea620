package dev.alexnet4j.backend.cudnn;

import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.cudaStream_t;

/**
 * The one checked boundary for the CUDA driver API (JCudaDriver): loading and launching the
 * compiled kernels: every such call of this backend goes through here, every status is checked, and
 * a failure becomes a {@link NativeCallException} naming the call, the status, the device and the
 * layer. Reached through {@link CudaCalls}; tests mock it.
 */
class DriverCalls {
  /** Loads PTX into the current context (the device's primary context the runtime made). */
  CUmodule loadModule(CallSite at, String ptx) {
    driver(at, "cuInit", JCudaDriver.cuInit(0));
    CUmodule module = new CUmodule();
    driver(at, "cuModuleLoadData", JCudaDriver.cuModuleLoadData(module, ptx));
    return module;
  }

  /** Loads a cubin into the current context; the driver refuses one this GPU cannot run. */
  CUmodule loadModule(CallSite at, byte[] cubin) {
    driver(at, "cuInit", JCudaDriver.cuInit(0));
    CUmodule module = new CUmodule();
    driver(at, "cuModuleLoadData(cubin)", JCudaDriver.cuModuleLoadData(module, cubin));
    return module;
  }

  CUfunction function(CallSite at, CUmodule module, String name) {
    CUfunction f = new CUfunction();
    driver(
        at, "cuModuleGetFunction(" + name + ")", JCudaDriver.cuModuleGetFunction(f, module, name));
    return f;
  }

  void unloadModule(CallSite at, CUmodule module) {
    driver(at, "cuModuleUnload", JCudaDriver.cuModuleUnload(module));
  }

  /**
   * Launches a 1-D grid on the stream. {@code arguments} are the kernel's parameters in order:
   * {@link Pointer} for device pointers, {@link Integer} for int, {@link Float} for float.
   */
  void launch(
      CallSite at,
      String kernel,
      CUfunction function,
      int gridX,
      int blockX,
      cudaStream_t stream,
      List<Object> arguments) {
    NativePointerObject[] packed = new NativePointerObject[arguments.size()];
    for (int i = 0; i < packed.length; i++) {
      Object a = arguments.get(i);
      if (a instanceof Pointer p) {
        packed[i] = Pointer.to(p);
      } else if (a instanceof Integer v) {
        packed[i] = Pointer.to(new int[] {v});
      } else if (a instanceof Float v) {
        packed[i] = Pointer.to(new float[] {v});
      } else {
        throw new IllegalArgumentException(
            at + ": kernel " + kernel + " argument " + i + " has unsupported type " + a);
      }
    }
    driver(
        at,
        "cuLaunchKernel(" + kernel + ")",
        JCudaDriver.cuLaunchKernel(
            function,
            gridX,
            1,
            1,
            blockX,
            1,
            1,
            0,
            new CUstream(stream),
            Pointer.to(packed),
            null));
  }

  static void driver(CallSite at, String call, int status) {
    if (status != CUresult.CUDA_SUCCESS) {
      throw new NativeCallException(
          call, CUresult.stringFor(status), status, at, StatusHints.driver(status));
    }
  }
}
