// The emulated CUDA runtime API (libcudart.so.11.0): the part of NVIDIA's cuda_runtime_api.h that
// alexnet4j and its bindings use, written from NVIDIA's runtime API reference (no NVIDIA header is
// included). Numeric values are those of CUDA 11 (driver_types.h; the same as JCuda 11.7.0's
// jcuda.runtime.cudaError constants).
//
// Semantics on the shared core (emu_core.h): memory is the core's device memory of the calling
// thread's current device; streams run their work at enqueue time, so every async call has
// completed when it returns. Every error sets the calling thread's last error.
#ifndef ALEXNET4J_EMU_RUNTIME_H
#define ALEXNET4J_EMU_RUNTIME_H

#include <stddef.h>

#include "emu_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidPitchValue = 12,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorIllegalAddress = 700,
  cudaErrorPeerAccessAlreadyEnabled = 704,
  cudaErrorPeerAccessNotEnabled = 705,
  cudaErrorNotSupported = 801,
  cudaErrorUnknown = 999
} cudaError_t;

typedef enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
} cudaMemcpyKind;

// A stream is the core's emu_stream*, as cudaStream_t is an opaque pointer. NULL is the legacy
// default stream; the special handles cudaStreamLegacy (1) and cudaStreamPerThread (2) are taken
// as the default stream of the current device.
typedef struct CUstream_st* cudaStream_t;
#define cudaStreamLegacy ((cudaStream_t)0x1)
#define cudaStreamPerThread ((cudaStream_t)0x2)

// An event is an opaque pointer too, to a record of the runtime's own (its device, flags and
// whether it was ever recorded), tracked by the core as a handle of kind "cudaEvent_t" so that a
// leaked event is reported and a destroyed one refused.
typedef struct CUevent_st* cudaEvent_t;
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04
#define cudaEventWaitDefault 0x00
#define cudaEventWaitExternal 0x01

typedef struct CUuuid_st {
  char bytes[16];
} cudaUUID_t;

// CUDA 11's layout (728 bytes); its C export is what binary callers (org.bytedeco's cudart) see.
struct cudaDeviceProp {
  char name[256];
  cudaUUID_t uuid;
  char luid[8];
  unsigned int luidDeviceNodeMask;
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  size_t texturePitchAlignment;
  int deviceOverlap;
  int multiProcessorCount;
  int kernelExecTimeoutEnabled;
  int integrated;
  int canMapHostMemory;
  int computeMode;
  int maxTexture1D;
  int maxTexture1DMipmap;
  int maxTexture1DLinear;
  int maxTexture2D[2];
  int maxTexture2DMipmap[2];
  int maxTexture2DLinear[3];
  int maxTexture2DGather[2];
  int maxTexture3D[3];
  int maxTexture3DAlt[3];
  int maxTextureCubemap;
  int maxTexture1DLayered[2];
  int maxTexture2DLayered[3];
  int maxTextureCubemapLayered[2];
  int maxSurface1D;
  int maxSurface2D[2];
  int maxSurface3D[3];
  int maxSurface1DLayered[2];
  int maxSurface2DLayered[3];
  int maxSurfaceCubemap;
  int maxSurfaceCubemapLayered[2];
  size_t surfaceAlignment;
  int concurrentKernels;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int tccDriver;
  int asyncEngineCount;
  int unifiedAddressing;
  int memoryClockRate;
  int memoryBusWidth;
  int l2CacheSize;
  int persistingL2CacheMaxSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  int globalL1CacheSupported;
  int localL1CacheSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int isMultiGpuBoard;
  int multiGpuBoardGroupID;
  int hostNativeAtomicSupported;
  int singleToDoublePrecisionPerfRatio;
  int pageableMemoryAccess;
  int concurrentManagedAccess;
  int computePreemptionSupported;
  int canUseHostPointerForRegisteredMem;
  int cooperativeLaunch;
  int cooperativeMultiDeviceLaunch;
  size_t sharedMemPerBlockOptin;
  int pageableMemoryAccessUsesHostPageTables;
  int directManagedMemAccessFromHost;
  int maxBlocksPerMultiProcessor;
  int accessPolicyMaxWindowSize;
  size_t reservedSharedMemPerBlock;
};

// The versions this runtime reports (CUDA 11.7, what JCuda 11.7.0 was built for).
#define EMU_CUDART_VERSION 11070
#define EMU_CUDA_DRIVER_VERSION 11070

// ---- devices ----
EMU_EXPORT cudaError_t cudaGetDeviceCount(int* count);
EMU_EXPORT cudaError_t cudaSetDevice(int device);
EMU_EXPORT cudaError_t cudaGetDevice(int* device);
EMU_EXPORT cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp* prop, int device);
EMU_EXPORT cudaError_t cudaDriverGetVersion(int* driverVersion);
EMU_EXPORT cudaError_t cudaRuntimeGetVersion(int* runtimeVersion);
EMU_EXPORT cudaError_t cudaDeviceSynchronize(void);
EMU_EXPORT cudaError_t cudaDeviceCanAccessPeer(int* canAccessPeer, int device, int peerDevice);
EMU_EXPORT cudaError_t cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags);

// ---- memory ----
EMU_EXPORT cudaError_t cudaMalloc(void** devPtr, size_t size);
EMU_EXPORT cudaError_t cudaFree(void* devPtr);
EMU_EXPORT cudaError_t cudaMallocHost(void** ptr, size_t size);
EMU_EXPORT cudaError_t cudaFreeHost(void* ptr);
EMU_EXPORT cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind);
EMU_EXPORT cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count,
                                       enum cudaMemcpyKind kind, cudaStream_t stream);
EMU_EXPORT cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch,
                                         size_t width, size_t height, enum cudaMemcpyKind kind,
                                         cudaStream_t stream);
EMU_EXPORT cudaError_t cudaMemcpyPeer(void* dst, int dstDevice, const void* src, int srcDevice,
                                      size_t count);
EMU_EXPORT cudaError_t cudaMemcpyPeerAsync(void* dst, int dstDevice, const void* src,
                                           int srcDevice, size_t count, cudaStream_t stream);
EMU_EXPORT cudaError_t cudaMemset(void* devPtr, int value, size_t count);
EMU_EXPORT cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count, cudaStream_t stream);

// ---- streams ----
EMU_EXPORT cudaError_t cudaStreamCreate(cudaStream_t* pStream);
EMU_EXPORT cudaError_t cudaStreamDestroy(cudaStream_t stream);
EMU_EXPORT cudaError_t cudaStreamSynchronize(cudaStream_t stream);
EMU_EXPORT cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                           unsigned int flags);

// ---- events ----
// Streams complete their work at enqueue, so a recorded event has always completed: these calls
// check handles, devices and flags as the runtime API reference rules, and order nothing.
EMU_EXPORT cudaError_t cudaEventCreate(cudaEvent_t* event);
EMU_EXPORT cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags);
EMU_EXPORT cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream);
EMU_EXPORT cudaError_t cudaEventQuery(cudaEvent_t event);
EMU_EXPORT cudaError_t cudaEventSynchronize(cudaEvent_t event);
EMU_EXPORT cudaError_t cudaEventDestroy(cudaEvent_t event);

// ---- errors ----
EMU_EXPORT cudaError_t cudaGetLastError(void);
EMU_EXPORT cudaError_t cudaPeekAtLastError(void);
EMU_EXPORT const char* cudaGetErrorString(cudaError_t error);
EMU_EXPORT const char* cudaGetErrorName(cudaError_t error);

// ---- for the emulator's own libraries (not CUDA API) ----

// Records `error` as the calling thread's last runtime error (unless cudaSuccess) and returns it:
// for refusals made above the C API, e.g. by the JCuda JNI replacement.
EMU_EXPORT cudaError_t emu_cudart_record_error(cudaError_t error);
// The emu_stream a cudaStream_t names: NULL for the default stream and the special handles
// cudaStreamLegacy and cudaStreamPerThread.
EMU_EXPORT emu_stream* emu_cudart_stream(cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
