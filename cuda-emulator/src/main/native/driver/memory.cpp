// A few driver-API memory calls on the core's device memory, beyond what alexnet4j calls (it
// allocates through the runtime API): they let tests drive kernels through JCudaDriver alone.
#include <cstring>

#include "emu_core.h"
#include "emu_cuda.h"

static const char* const LIB = "driver";

typedef unsigned long long CUdeviceptr;

extern "C" {

EMU_EXPORT CUresult cuDeviceGetCount(int* count) {
  if (count == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *count = emu_device_count();
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuCtxSynchronize(void) { return CUDA_SUCCESS; }  // all work is synchronous

EMU_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) {
  if (dptr == nullptr || bytes == 0) {
    emu_log(LIB, "cuMemAlloc: %s", dptr == nullptr ? "dptr is NULL" : "0 bytes");
    return CUDA_ERROR_INVALID_VALUE;
  }
  emu_status status = EMU_OK;
  void* p = emu_device_alloc(emu_current_device(), bytes, &status);
  if (p == nullptr) return CUDA_ERROR_OUT_OF_MEMORY;
  *dptr = (CUdeviceptr)p;
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr) {
  if (dptr == 0) return CUDA_SUCCESS;
  emu_memory_kind kind = emu_memory_kind_of((const void*)dptr, nullptr);
  if (kind != EMU_MEMORY_DEVICE) {
    emu_log(LIB, "cuMemFree: %p is not live device memory", (void*)dptr);
    return CUDA_ERROR_INVALID_VALUE;
  }
  return emu_device_free((void*)dptr) == EMU_OK ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

EMU_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
  if (bytes == 0) return CUDA_SUCCESS;
  if (emu_check_device_range((const void*)dst, bytes, emu_current_device(), "cuMemcpyHtoD dst") !=
          EMU_OK ||
      emu_check_host_range(src, bytes, "cuMemcpyHtoD src") != EMU_OK) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  memcpy((void*)dst, src, bytes);
  return CUDA_SUCCESS;
}

EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
  if (bytes == 0) return CUDA_SUCCESS;
  if (emu_check_device_range((const void*)src, bytes, emu_current_device(), "cuMemcpyDtoH src") !=
          EMU_OK ||
      emu_check_host_range(dst, bytes, "cuMemcpyDtoH dst") != EMU_OK) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  memcpy(dst, (const void*)src, bytes);
  return CUDA_SUCCESS;
}

}  // extern "C"
