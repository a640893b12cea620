// The emulated cuBLAS (libcublas.so.11): handles, stream and pointer mode, and the level-1/3
// routines alexnet4j calls, on the emulator's host-memory devices. Arguments are checked as cuBLAS
// documents; memory a GPU could not touch (another device without peer access, freed, out of the
// block, host memory) is refused with CUBLAS_STATUS_EXECUTION_FAILED and a diagnostic, where a real
// GPU would fault in the kernel.
#include <cstdint>
#include <cstdlib>
#include <new>

#include "emu_core.h"
#include "emu_cublas.h"
#include "emu_sgemm.h"

static const char* const LIB = "cuBLAS";
static const char* const HANDLE_KIND = "cublasHandle_t";

struct cublasContext {
  int device;
  emu_stream* stream;
  cublasPointerMode_t pointer_mode;
};

namespace {

// NULL, cudaStreamLegacy (0x1) and cudaStreamPerThread (0x2) all mean the current device's
// default stream.
bool is_default_stream(const emu_stream* s) { return (uintptr_t)s <= 2; }

cublasContext* context(cublasHandle_t handle, const char* fn) {
  if (handle == nullptr || !emu_handle_live(HANDLE_KIND, handle, nullptr)) {
    emu_log(LIB, "%s: handle %p is not a live cublasHandle_t (never created or destroyed)", fn,
            (void*)handle);
    return nullptr;
  }
  return handle;
}

// What a launch on the handle's stream needs: the handle's device current, the stream alive.
cublasStatus_t ready(const cublasContext* c, const char* fn) {
  int current = emu_current_device();
  if (current != c->device) {
    emu_log(LIB, "%s: handle was created on device %d but device %d is current", fn, c->device,
            current);
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  if (!is_default_stream(c->stream) && !emu_stream_valid(c->stream)) {
    emu_log(LIB, "%s: the handle's stream %p has been destroyed", fn, (void*)c->stream);
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  return CUBLAS_STATUS_SUCCESS;
}

// A scalar (alpha, beta) read per the pointer mode.
cublasStatus_t read_scalar(const cublasContext* c, const float* p, const char* what, float* out) {
  if (p == nullptr) {
    emu_log(LIB, "%s is NULL", what);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (c->pointer_mode == CUBLAS_POINTER_MODE_HOST) {
    if (emu_check_host_range(p, sizeof(float), what) != EMU_OK) {
      emu_log(LIB, "%s: pointer mode is HOST but the scalar is not host memory", what);
      return CUBLAS_STATUS_INVALID_VALUE;
    }
  } else if (emu_check_device_range(p, sizeof(float), c->device, what) != EMU_OK) {
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  *out = *p;
  return CUBLAS_STATUS_SUCCESS;
}

// A column-major rows x cols matrix with leading dimension ld (rows, cols > 0).
cublasStatus_t check_matrix(const cublasContext* c, const void* p, long long rows, long long cols,
                            long long ld, const char* what) {
  unsigned long long elements = (unsigned long long)((cols - 1) * ld + rows);
  if (emu_check_device_range(p, elements * sizeof(float), c->device, what) != EMU_OK) {
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  return CUBLAS_STATUS_SUCCESS;
}

// A strided vector of n > 0 elements; a negative increment walks from the far end, as BLAS does.
cublasStatus_t check_vector(const cublasContext* c, const void* p, long long n, long long inc,
                            const char* what) {
  long long stride = inc < 0 ? -inc : inc;
  unsigned long long elements = (unsigned long long)((n - 1) * stride + 1);
  if (emu_check_device_range(p, elements * sizeof(float), c->device, what) != EMU_OK) {
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  return CUBLAS_STATUS_SUCCESS;
}

// The index of element i (0-based) of a strided vector.
inline long long at(long long i, long long n, long long inc) {
  return inc >= 0 ? i * inc : (i - n + 1) * inc;
}

}  // namespace

#define RETURN_IF(status)                                      \
  do {                                                         \
    cublasStatus_t s_ = (status);                              \
    if (s_ != CUBLAS_STATUS_SUCCESS) return s_;                \
  } while (0)

extern "C" {

EMU_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
  if (handle == nullptr) {
    emu_log(LIB, "cublasCreate: handle is NULL");
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  int device = emu_current_device();
  if (!emu_device_valid(device)) {
    emu_log(LIB, "cublasCreate: no device %d (the emulator has %d)", device, emu_device_count());
    return CUBLAS_STATUS_NOT_INITIALIZED;
  }
  cublasContext* c = new (std::nothrow) cublasContext{device, nullptr, CUBLAS_POINTER_MODE_HOST};
  if (c == nullptr) return CUBLAS_STATUS_ALLOC_FAILED;
  emu_handle_add(HANDLE_KIND, c, device);
  *handle = c;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
  if (handle == nullptr || emu_handle_remove(HANDLE_KIND, handle) != 0) {
    emu_log(LIB, "cublasDestroy: handle %p is not a live cublasHandle_t (destroyed twice?)",
            (void*)handle);
    return CUBLAS_STATUS_NOT_INITIALIZED;
  }
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version) {
  if (context(handle, "cublasGetVersion") == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (version == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *version = EMU_CUBLAS_MAJOR * 10000 + EMU_CUBLAS_MINOR * 100 + EMU_CUBLAS_PATCH;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value) {
  if (value == nullptr) {
    emu_log(LIB, "cublasGetProperty: value is NULL");
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  switch (type) {
    case MAJOR_VERSION: *value = EMU_CUBLAS_MAJOR; return CUBLAS_STATUS_SUCCESS;
    case MINOR_VERSION: *value = EMU_CUBLAS_MINOR; return CUBLAS_STATUS_SUCCESS;
    case PATCH_LEVEL: *value = EMU_CUBLAS_PATCH; return CUBLAS_STATUS_SUCCESS;
  }
  emu_log(LIB, "cublasGetProperty: unknown libraryPropertyType %d", (int)type);
  return CUBLAS_STATUS_INVALID_VALUE;
}

EMU_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, emu_stream* stream) {
  cublasContext* c = context(handle, "cublasSetStream");
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!is_default_stream(stream)) {
    if (!emu_stream_valid(stream)) {
      emu_log(LIB, "cublasSetStream: %p is not a live stream", (void*)stream);
      return CUBLAS_STATUS_INVALID_VALUE;
    }
    int device = emu_stream_device(stream);
    if (device != c->device) {
      emu_log(LIB, "cublasSetStream: the stream is on device %d, the handle on device %d", device,
              c->device);
      return CUBLAS_STATUS_INVALID_VALUE;
    }
  }
  c->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, emu_stream** stream) {
  cublasContext* c = context(handle, "cublasGetStream");
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (stream == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *stream = c->stream;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode) {
  cublasContext* c = context(handle, "cublasSetPointerMode");
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode != CUBLAS_POINTER_MODE_HOST && mode != CUBLAS_POINTER_MODE_DEVICE) {
    emu_log(LIB, "cublasSetPointerMode: unknown mode %d", (int)mode);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  c->pointer_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t* mode) {
  cublasContext* c = context(handle, "cublasGetPointerMode");
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *mode = c->pointer_mode;
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT const char* cublasGetStatusName(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}

EMU_EXPORT const char* cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS: return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "the resource allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "an invalid numeric value was used as an argument";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "an absent device architectural feature is required";
    case CUBLAS_STATUS_MAPPING_ERROR: return "an access to GPU memory space failed";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
    case CUBLAS_STATUS_LICENSE_ERROR: return "error detected trying to check the license";
  }
  return "unknown error";
}

EMU_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                                         cublasOperation_t transb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda,
                                         const float* B, int ldb, const float* beta, float* C,
                                         int ldc) {
  static const char* const fn = "cublasSgemm";
  cublasContext* c = context(handle, fn);
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  auto valid_op = [](cublasOperation_t op) {
    return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
  };
  if (!valid_op(transa) || !valid_op(transb)) {
    emu_log(LIB, "%s: transa %d / transb %d is not CUBLAS_OP_N, _T or _C", fn, (int)transa,
            (int)transb);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  bool ta = transa != CUBLAS_OP_N, tb = transb != CUBLAS_OP_N;
  auto max1 = [](int v) { return v > 1 ? v : 1; };
  if (m < 0 || n < 0 || k < 0) {
    emu_log(LIB, "%s: negative dimension (m=%d, n=%d, k=%d)", fn, m, n, k);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (lda < max1(ta ? k : m)) {
    emu_log(LIB, "%s: lda=%d < max(1, %s=%d)", fn, lda, ta ? "k" : "m", ta ? k : m);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (ldb < max1(tb ? n : k)) {
    emu_log(LIB, "%s: ldb=%d < max(1, %s=%d)", fn, ldb, tb ? "n" : "k", tb ? n : k);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (ldc < max1(m)) {
    emu_log(LIB, "%s: ldc=%d < max(1, m=%d)", fn, ldc, m);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  if (m == 0 || n == 0) return CUBLAS_STATUS_SUCCESS;
  RETURN_IF(ready(c, fn));
  float a = 0, b = 0;
  RETURN_IF(read_scalar(c, alpha, "cublasSgemm alpha", &a));
  RETURN_IF(read_scalar(c, beta, "cublasSgemm beta", &b));
  if ((a == 0.0f || k == 0) && b == 1.0f) return CUBLAS_STATUS_SUCCESS;
  if (a != 0.0f && k > 0) {
    RETURN_IF(check_matrix(c, A, ta ? k : m, ta ? m : k, lda, "cublasSgemm A"));
    RETURN_IF(check_matrix(c, B, tb ? n : k, tb ? k : n, ldb, "cublasSgemm B"));
  }
  RETURN_IF(check_matrix(c, C, m, n, ldc, "cublasSgemm C"));
  emu_sgemm(ta, tb, m, n, k, a, A, lda, B, ldb, b, C, ldc);
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasSaxpy_v2(cublasHandle_t handle, int n, const float* alpha,
                                         const float* x, int incx, float* y, int incy) {
  static const char* const fn = "cublasSaxpy";
  cublasContext* c = context(handle, fn);
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (n <= 0) return CUBLAS_STATUS_SUCCESS;
  RETURN_IF(ready(c, fn));
  float a = 0;
  RETURN_IF(read_scalar(c, alpha, "cublasSaxpy alpha", &a));
  if (a == 0.0f) return CUBLAS_STATUS_SUCCESS;
  RETURN_IF(check_vector(c, x, n, incx, "cublasSaxpy x"));
  RETURN_IF(check_vector(c, y, n, incy, "cublasSaxpy y"));
  for (long long i = 0; i < n; i++) {
    float* yi = y + at(i, n, incy);
    *yi = a * x[at(i, n, incx)] + *yi;
  }
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasSscal_v2(cublasHandle_t handle, int n, const float* alpha,
                                         float* x, int incx) {
  static const char* const fn = "cublasSscal";
  cublasContext* c = context(handle, fn);
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (n <= 0 || incx <= 0) return CUBLAS_STATUS_SUCCESS;  // as reference BLAS
  RETURN_IF(ready(c, fn));
  float a = 0;
  RETURN_IF(read_scalar(c, alpha, "cublasSscal alpha", &a));
  RETURN_IF(check_vector(c, x, n, incx, "cublasSscal x"));
  for (long long i = 0; i < n; i++) x[i * incx] = a * x[i * incx];
  return CUBLAS_STATUS_SUCCESS;
}

EMU_EXPORT cublasStatus_t cublasSdot_v2(cublasHandle_t handle, int n, const float* x, int incx,
                                        const float* y, int incy, float* result) {
  static const char* const fn = "cublasSdot";
  cublasContext* c = context(handle, fn);
  if (c == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (result == nullptr) {
    emu_log(LIB, "%s: result is NULL", fn);
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  RETURN_IF(ready(c, fn));
  if (c->pointer_mode == CUBLAS_POINTER_MODE_HOST) {
    if (emu_check_host_range(result, sizeof(float), "cublasSdot result") != EMU_OK) {
      emu_log(LIB, "%s: pointer mode is HOST but result is not host memory", fn);
      return CUBLAS_STATUS_INVALID_VALUE;
    }
  } else if (emu_check_device_range(result, sizeof(float), c->device, "cublasSdot result") !=
             EMU_OK) {
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }
  float sum = 0.0f;
  if (n > 0) {
    RETURN_IF(check_vector(c, x, n, incx, "cublasSdot x"));
    RETURN_IF(check_vector(c, y, n, incy, "cublasSdot y"));
    for (long long i = 0; i < n; i++) sum = sum + x[at(i, n, incx)] * y[at(i, n, incy)];
  }
  *result = sum;
  return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
