package dev.alexnet4j.backend.cudnn;

import java.util.List;
import jcuda.driver.CUresult;
import jcuda.runtime.cudaError;

/**
 * What to try for the failures a user can do something about; empty when there is no advice.
 *
 * <p>cuDNN and cuBLAS hints are keyed by the status name the loaded library gives ({@link
 * StatusNames}), not by number: cuDNN 9 renumbered its statuses. A key matches its name and the
 * name's sub-codes, so cuDNN 9's {@code CUDNN_STATUS_BAD_PARAM_NULL_POINTER} gets the {@code
 * CUDNN_STATUS_BAD_PARAM} hint. The CUDA runtime's and driver's numbers have stayed put.
 */
final class StatusHints {
  private static final String OUT_OF_MEMORY =
      "the GPU is out of memory: lower the batch size, or alexnet4j.cudnn.workspace-limit";
  private static final String CUDNN_ARCH =
      "the installed cuDNN does not support this GPU's architecture";

  /**
   * A status name (or name prefix) and its hint; the first that matches wins, so specific first.
   */
  private record Hint(String name, String hint) {
    boolean matches(String status) {
      return status.equals(name) || status.startsWith(name + "_");
    }
  }

  private static final List<Hint> CUDNN =
      List.of(
          new Hint("CUDNN_STATUS_ALLOC_FAILED", OUT_OF_MEMORY),
          // cuDNN 9's code for what cuDNN 8 called ALLOC_FAILED on the device.
          new Hint("CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED", OUT_OF_MEMORY),
          new Hint("CUDNN_STATUS_ARCH_MISMATCH", CUDNN_ARCH),
          // cuDNN 9 files the architecture mismatch under NOT_SUPPORTED; ahead of its parent.
          new Hint("CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH", CUDNN_ARCH),
          new Hint(
              "CUDNN_STATUS_NOT_SUPPORTED",
              "the installed cuDNN does not support this configuration; try"
                  + " alexnet4j.cudnn.algorithm = heuristic or alexnet4j.cudnn.deterministic ="
                  + " false"),
          new Hint(
              "CUDNN_STATUS_BAD_PARAM",
              "cuDNN rejected a descriptor or argument (a bug in the cudnn backend: please report"
                  + " this message)"),
          new Hint(
              "CUDNN_STATUS_EXECUTION_FAILED",
              "a cuDNN kernel failed on the GPU; earlier asynchronous errors also surface here"));

  private static final List<Hint> CUBLAS =
      List.of(new Hint("CUBLAS_STATUS_ALLOC_FAILED", OUT_OF_MEMORY));

  private StatusHints() {}

  static String cuda(int status) {
    if (status == cudaError.cudaErrorMemoryAllocation) {
      return OUT_OF_MEMORY;
    }
    if (status == cudaError.cudaErrorInsufficientDriver) {
      return "the NVIDIA driver (libcuda.so.1) is missing or older than the CUDA 11.7 runtime"
          + " needs; install driver 515 or newer";
    }
    if (status == cudaError.cudaErrorNoDevice) {
      return "no CUDA GPU is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)";
    }
    if (status == cudaError.cudaErrorNoKernelImageForDevice) {
      return "the library has no code for this GPU's architecture";
    }
    return "";
  }

  /** By the name the loaded cuDNN gives the status, e.g. {@code CUDNN_STATUS_BAD_PARAM}. */
  static String cudnn(String status) {
    return lookUp(CUDNN, status);
  }

  /** By the name the loaded cuBLAS gives the status, e.g. {@code CUBLAS_STATUS_ALLOC_FAILED}. */
  static String cublas(String status) {
    return lookUp(CUBLAS, status);
  }

  static String driver(int status) {
    if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      return OUT_OF_MEMORY;
    }
    return "";
  }

  private static String lookUp(List<Hint> hints, String status) {
    for (Hint h : hints) {
      if (h.matches(status)) {
        return h.hint();
      }
    }
    return "";
  }
}
