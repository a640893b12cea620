// The part of cuBLAS's v2 API (cublas_api.h) the emulator provides, with NVIDIA's numbers; our own
// header, since CI has no CUDA toolkit. Names are the exported ones JCublas2's natives bind
// (cublasCreate_v2@libcublas.so.11, ...).
#ifndef ALEXNET4J_EMU_CUBLAS_H
#define ALEXNET4J_EMU_CUBLAS_H

#include "emu_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_ARCH_MISMATCH = 8,
  CUBLAS_STATUS_MAPPING_ERROR = 11,
  CUBLAS_STATUS_EXECUTION_FAILED = 13,
  CUBLAS_STATUS_INTERNAL_ERROR = 14,
  CUBLAS_STATUS_NOT_SUPPORTED = 15,
  CUBLAS_STATUS_LICENSE_ERROR = 16
} cublasStatus_t;

typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2, CUBLAS_OP_CONJG = 3 } cublasOperation_t;

typedef enum { CUBLAS_POINTER_MODE_HOST = 0, CUBLAS_POINTER_MODE_DEVICE = 1 } cublasPointerMode_t;

// library_types.h
typedef enum { MAJOR_VERSION = 0, MINOR_VERSION = 1, PATCH_LEVEL = 2 } libraryPropertyType;

typedef struct cublasContext* cublasHandle_t;
typedef emu_stream* cudaStream_t_emu;  // what a cudaStream_t points at in the emulator

// The version this emulated cuBLAS reports: cuBLAS 11.10.1, the one CUDA 11.7 ships.
#define EMU_CUBLAS_MAJOR 11
#define EMU_CUBLAS_MINOR 10
#define EMU_CUBLAS_PATCH 1

EMU_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle);
EMU_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
EMU_EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version);
EMU_EXPORT cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value);
EMU_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t_emu stream);
EMU_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t_emu* stream);
EMU_EXPORT cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode);
EMU_EXPORT cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t* mode);
EMU_EXPORT const char* cublasGetStatusName(cublasStatus_t status);
EMU_EXPORT const char* cublasGetStatusString(cublasStatus_t status);

EMU_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                                         cublasOperation_t transb, int m, int n, int k,
                                         const float* alpha, const float* A, int lda,
                                         const float* B, int ldb, const float* beta, float* C,
                                         int ldc);
EMU_EXPORT cublasStatus_t cublasSaxpy_v2(cublasHandle_t handle, int n, const float* alpha,
                                         const float* x, int incx, float* y, int incy);
EMU_EXPORT cublasStatus_t cublasSscal_v2(cublasHandle_t handle, int n, const float* alpha,
                                         float* x, int incx);
EMU_EXPORT cublasStatus_t cublasSdot_v2(cublasHandle_t handle, int n, const float* x, int incx,
                                        const float* y, int incy, float* result);

#ifdef __cplusplus
}
#endif

#endif
