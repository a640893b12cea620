// The part of the CUDA driver API (cuda.h) the emulator provides, with NVIDIA's numbers; our own
// header, since CI has no CUDA toolkit. JCudaDriver's natives link these names unversioned.
#ifndef ALEXNET4J_EMU_CUDA_H
#define ALEXNET4J_EMU_CUDA_H

#include "emu_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_DEINITIALIZED = 4,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_INVALID_SOURCE = 300,
  CUDA_ERROR_FILE_NOT_FOUND = 301,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_NOT_READY = 600,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
  CUDA_ERROR_LAUNCH_FAILED = 719,
  CUDA_ERROR_NOT_SUPPORTED = 801,
  CUDA_ERROR_UNKNOWN = 999
} CUresult;

typedef struct emu_cu_module* CUmodule;
typedef struct emu_cu_function* CUfunction;
typedef emu_stream* CUstream;  // a cudaStream_t and a CUstream are the same pointer

#define CU_STREAM_LEGACY ((CUstream)0x1)
#define CU_STREAM_PER_THREAD ((CUstream)0x2)

// The version this emulated driver reports (CUDA 11.7, what JCuda 11.7.0 was built against).
#define EMU_CUDA_DRIVER_VERSION 11070

EMU_EXPORT CUresult cuInit(unsigned int flags);
EMU_EXPORT CUresult cuDriverGetVersion(int* driverVersion);
EMU_EXPORT CUresult cuGetErrorName(CUresult error, const char** pStr);
EMU_EXPORT CUresult cuGetErrorString(CUresult error, const char** pStr);
EMU_EXPORT CUresult cuModuleLoadData(CUmodule* module, const void* image);
EMU_EXPORT CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name);
EMU_EXPORT CUresult cuModuleUnload(CUmodule hmod);
EMU_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                   unsigned int gridDimZ, unsigned int blockDimX,
                                   unsigned int blockDimY, unsigned int blockDimZ,
                                   unsigned int sharedMemBytes, CUstream hStream,
                                   void** kernelParams, void** extra);

#ifdef __cplusplus
}
#endif

#endif
