package dev.alexnet4j.backend.cudnn;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnStatus;
import jcuda.runtime.cudaError;

/** What to try for the failures a user can do something about; empty when there is no advice. */
final class StatusHints {
  private static final String OUT_OF_MEMORY =
      "the GPU is out of memory: lower the batch size, or alexnet4j.cudnn.workspace-limit";

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

  static String cudnn(int status) {
    if (status == cudnnStatus.CUDNN_STATUS_ALLOC_FAILED) {
      return OUT_OF_MEMORY;
    }
    if (status == cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED) {
      return "the installed cuDNN does not support this configuration; try"
          + " alexnet4j.cudnn.algorithm = heuristic or alexnet4j.cudnn.deterministic = false";
    }
    if (status == cudnnStatus.CUDNN_STATUS_BAD_PARAM) {
      return "cuDNN rejected a descriptor or argument (a bug in the cudnn backend: please report"
          + " this message)";
    }
    if (status == cudnnStatus.CUDNN_STATUS_ARCH_MISMATCH) {
      return "the installed cuDNN does not support this GPU's architecture";
    }
    if (status == cudnnStatus.CUDNN_STATUS_EXECUTION_FAILED) {
      return "a cuDNN kernel failed on the GPU; earlier asynchronous errors also surface here";
    }
    return "";
  }

  static String cublas(int status) {
    if (status == cublasStatus.CUBLAS_STATUS_ALLOC_FAILED) {
      return OUT_OF_MEMORY;
    }
    return "";
  }

  static String driver(int status) {
    if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      return OUT_OF_MEMORY;
    }
    return "";
  }
}
