// The emulated CUDA runtime API: devices, memory, copies, streams and the last error, on the core.
// Semantics follow NVIDIA's CUDA runtime API reference; every refusal says why through emu_log
// (the core's range checks log their own refusals) and sets the calling thread's last error.
#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "emu_runtime.h"

// CUDA 11's cudaDeviceProp, as binary callers compiled against CUDA 11 headers lay it out.
static_assert(sizeof(struct cudaDeviceProp) == 728, "CUDA 11 cudaDeviceProp is 728 bytes");
static_assert(offsetof(struct cudaDeviceProp, totalGlobalMem) == 288, "cudaDeviceProp layout");
static_assert(offsetof(struct cudaDeviceProp, major) == 360, "cudaDeviceProp layout");

// What a cudaEvent_t points to. Never freed: a destroyed event's address is not handed out again,
// so a later use of it is recognised (the core no longer lists it as a live "cudaEvent_t").
struct CUevent_st {
  int device;          // the device current when it was created
  unsigned int flags;  // cudaEventCreateWithFlags' flags
  std::atomic<bool> recorded;
};

namespace {

thread_local cudaError_t last_error = cudaSuccess;

cudaError_t record(cudaError_t error) {
  if (error != cudaSuccess) last_error = error;
  return error;
}

// Logs "cuda-emulator: cudart: <message>" and records `error` as the last error.
cudaError_t fail(cudaError_t error, const char* format, ...) __attribute__((format(printf, 2, 3)));
cudaError_t fail(cudaError_t error, const char* format, ...) {
  char message[768];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  emu_log("cudart", "%s -> %s", message, cudaGetErrorName(error));
  return record(error);
}

bool no_device() { return emu_device_count() == 0; }

cudaError_t fail_no_device(const char* call) {
  return fail(cudaErrorNoDevice, "%s: no emulated device (ALEXNET4J_CUDA_EMU_DEVICES=0)", call);
}

// [p, p + bytes) must be live device memory. Copies and memsets address memory through unified
// addressing, so memory of any device is accepted (peer access matters only to kernels): the range
// is checked against the device that owns it. A refusal is logged by the core.
bool device_range(const void* p, size_t bytes, const char* what) {
  int owner = -1;
  emu_memory_kind kind = emu_memory_kind_of(p, &owner);
  int device = kind == EMU_MEMORY_DEVICE ? owner : emu_current_device();
  return emu_check_device_range(p, bytes, device, what) == EMU_OK;
}

// [p, p + bytes) must be host memory (ordinary or page-locked, not freed, not device memory).
bool host_range(const void* p, size_t bytes, const char* what) {
  if (p == nullptr) {
    emu_log("cudart", "%s: NULL host pointer for %zu bytes", what, bytes);
    return false;
  }
  return emu_check_host_range(p, bytes, what) == EMU_OK;
}

// Whether `p` is to be treated as device memory under cudaMemcpyDefault (freed memory counts as
// device memory, so that the device check reports the use after free).
bool looks_like_device(const void* p) {
  emu_memory_kind kind = emu_memory_kind_of(p, nullptr);
  return kind == EMU_MEMORY_DEVICE || kind == EMU_MEMORY_FREED;
}

const char* kind_name(int kind) {
  switch (kind) {
    case cudaMemcpyHostToHost: return "cudaMemcpyHostToHost";
    case cudaMemcpyHostToDevice: return "cudaMemcpyHostToDevice";
    case cudaMemcpyDeviceToHost: return "cudaMemcpyDeviceToHost";
    case cudaMemcpyDeviceToDevice: return "cudaMemcpyDeviceToDevice";
    case cudaMemcpyDefault: return "cudaMemcpyDefault";
  }
  return "an unknown cudaMemcpyKind";
}

// Checks that dst (dst_extent bytes) and src (src_extent bytes) are the kinds of memory `kind`
// names. `call` prefixes the diagnostics.
cudaError_t check_copy(const char* call, void* dst, size_t dst_extent, const void* src,
                       size_t src_extent, int kind) {
  bool dst_device, src_device;
  switch (kind) {
    case cudaMemcpyHostToHost: dst_device = false; src_device = false; break;
    case cudaMemcpyHostToDevice: dst_device = true; src_device = false; break;
    case cudaMemcpyDeviceToHost: dst_device = false; src_device = true; break;
    case cudaMemcpyDeviceToDevice: dst_device = true; src_device = true; break;
    case cudaMemcpyDefault:
      dst_device = looks_like_device(dst);
      src_device = looks_like_device(src);
      break;
    default:
      return fail(cudaErrorInvalidMemcpyDirection, "%s: kind %d is no cudaMemcpyKind", call, kind);
  }
  char what[160];
  snprintf(what, sizeof what, "%s dst (%s)", call, kind_name(kind));
  bool ok = dst_device ? device_range(dst, dst_extent, what) : host_range(dst, dst_extent, what);
  if (!ok) return record(cudaErrorInvalidValue);
  snprintf(what, sizeof what, "%s src (%s)", call, kind_name(kind));
  ok = src_device ? device_range(src, src_extent, what) : host_range(src, src_extent, what);
  if (!ok) return record(cudaErrorInvalidValue);
  return cudaSuccess;
}

// The stream an async call names must be live (400 otherwise). Real CUDA runs a copy or memset
// issued to a stream of another device (only kernel launches need the current device's streams),
// so that is accepted, with a note in the log because it is seldom meant.
cudaError_t check_stream(const char* call, cudaStream_t stream) {
  emu_stream* s = emu_cudart_stream(stream);
  if (!emu_stream_valid(s)) {
    return fail(cudaErrorInvalidResourceHandle,
                "%s: stream %p is not a live stream (destroyed, or never created)", call,
                (void*)stream);
  }
  if (s != nullptr) {
    int device = emu_stream_device(s);
    if (device != emu_current_device()) {
      emu_log("cudart",
              "note: %s on stream %p of device %d while device %d is current (allowed for "
              "copies and memsets, as on a real GPU)",
              call, (void*)stream, device, emu_current_device());
    }
  }
  return cudaSuccess;
}

size_t extent_2d(size_t pitch, size_t width, size_t height) {
  return height == 0 ? 0 : pitch * (height - 1) + width;
}

constexpr const char* kEventKind = "cudaEvent_t";

// The live event `event` names; nullptr (logged, last error set to 400) for NULL, a destroyed
// event or anything never created here.
CUevent_st* live_event(const char* call, cudaEvent_t event) {
  if (event == nullptr || !emu_handle_live(kEventKind, event, nullptr)) {
    fail(cudaErrorInvalidResourceHandle,
         "%s: event %p is not a live event (destroyed, or never created)", call, (void*)event);
    return nullptr;
  }
  return event;
}

}  // namespace

extern "C" {

cudaError_t emu_cudart_record_error(cudaError_t error) { return record(error); }

emu_stream* emu_cudart_stream(cudaStream_t stream) {
  if (stream == cudaStreamLegacy || stream == cudaStreamPerThread) return nullptr;
  return (emu_stream*)stream;
}

// ---- devices ------------------------------------------------------------------------------------

cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDeviceCount: count is NULL");
  *count = emu_device_count();
  if (*count == 0) return fail_no_device("cudaGetDeviceCount");
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  if (no_device()) return fail_no_device("cudaSetDevice");
  if (emu_set_current_device(device) != 0) {
    return fail(cudaErrorInvalidDevice, "cudaSetDevice(%d): there are %d emulated devices", device,
                emu_device_count());
  }
  return cudaSuccess;
}

cudaError_t cudaGetDevice(int* device) {
  if (device == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDevice: device is NULL");
  if (no_device()) return fail_no_device("cudaGetDevice");
  *device = emu_current_device();
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp* prop, int device) {
  if (prop == nullptr) return fail(cudaErrorInvalidValue, "cudaGetDeviceProperties: prop is NULL");
  if (no_device()) return fail_no_device("cudaGetDeviceProperties");
  if (!emu_device_valid(device)) {
    return fail(cudaErrorInvalidDevice, "cudaGetDeviceProperties(%d): there are %d emulated devices",
                device, emu_device_count());
  }
  memset(prop, 0, sizeof *prop);
  snprintf(prop->name, sizeof prop->name, "%s", emu_device_name(device));
  // A recognisable, made-up UUID: "emu-cuda" and the device number.
  memcpy(prop->uuid.bytes, "emu-cuda", 8);
  prop->uuid.bytes[15] = (char)device;
  prop->totalGlobalMem = emu_device_memory_total();
  prop->sharedMemPerBlock = 48 * 1024;
  prop->regsPerBlock = 65536;
  prop->warpSize = 32;
  prop->memPitch = 2147483647;
  prop->maxThreadsPerBlock = 1024;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 2147483647;
  prop->maxGridSize[1] = 65535;
  prop->maxGridSize[2] = 65535;
  prop->clockRate = 1000000;  // kHz
  prop->totalConstMem = 65536;
  // Compute capability 8.0 (an A100's): new enough for everything alexnet4j compiles.
  prop->major = 8;
  prop->minor = 0;
  prop->textureAlignment = 512;
  prop->texturePitchAlignment = 32;
  prop->deviceOverlap = 1;
  prop->multiProcessorCount = 8;
  prop->canMapHostMemory = 1;
  prop->computeMode = 0;  // cudaComputeModeDefault
  prop->maxTexture1D = 131072;
  prop->maxTexture2D[0] = 131072;
  prop->maxTexture2D[1] = 65536;
  prop->surfaceAlignment = 512;
  prop->concurrentKernels = 1;
  prop->pciBusID = device + 1;
  prop->asyncEngineCount = 2;
  prop->unifiedAddressing = 1;
  prop->memoryClockRate = 1215000;
  prop->memoryBusWidth = 5120;
  prop->l2CacheSize = 40 * 1024 * 1024;
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->streamPrioritiesSupported = 1;
  prop->globalL1CacheSupported = 1;
  prop->localL1CacheSupported = 1;
  prop->sharedMemPerMultiprocessor = 164 * 1024;
  prop->regsPerMultiprocessor = 65536;
  prop->hostNativeAtomicSupported = 0;
  prop->singleToDoublePrecisionPerfRatio = 2;
  prop->computePreemptionSupported = 1;
  prop->cooperativeLaunch = 1;
  prop->sharedMemPerBlockOptin = 163 * 1024;
  prop->maxBlocksPerMultiProcessor = 32;
  prop->reservedSharedMemPerBlock = 1024;
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* driverVersion) {
  if (driverVersion == nullptr) {
    return fail(cudaErrorInvalidValue, "cudaDriverGetVersion: driverVersion is NULL");
  }
  *driverVersion = EMU_CUDA_DRIVER_VERSION;
  return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int* runtimeVersion) {
  if (runtimeVersion == nullptr) {
    return fail(cudaErrorInvalidValue, "cudaRuntimeGetVersion: runtimeVersion is NULL");
  }
  *runtimeVersion = EMU_CUDART_VERSION;
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) {
  if (no_device()) return fail_no_device("cudaDeviceSynchronize");
  return cudaSuccess;  // all work completed when it was enqueued
}

cudaError_t cudaDeviceCanAccessPeer(int* canAccessPeer, int device, int peerDevice) {
  if (canAccessPeer == nullptr) {
    return fail(cudaErrorInvalidValue, "cudaDeviceCanAccessPeer: canAccessPeer is NULL");
  }
  if (no_device()) return fail_no_device("cudaDeviceCanAccessPeer");
  if (!emu_device_valid(device) || !emu_device_valid(peerDevice)) {
    return fail(cudaErrorInvalidDevice, "cudaDeviceCanAccessPeer(%d, %d): there are %d emulated devices",
                device, peerDevice, emu_device_count());
  }
  *canAccessPeer = device != peerDevice ? 1 : 0;
  return cudaSuccess;
}

cudaError_t cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags) {
  if (no_device()) return fail_no_device("cudaDeviceEnablePeerAccess");
  if (flags != 0) {
    return fail(cudaErrorInvalidValue, "cudaDeviceEnablePeerAccess(%d, flags %u): flags must be 0",
                peerDevice, flags);
  }
  int current = emu_current_device();
  if (!emu_device_valid(peerDevice) || peerDevice == current) {
    return fail(cudaErrorInvalidDevice,
                "cudaDeviceEnablePeerAccess(%d) from device %d: not another existing device",
                peerDevice, current);
  }
  int result = emu_enable_peer(current, peerDevice);
  if (result == 1) {
    return fail(cudaErrorPeerAccessAlreadyEnabled,
                "cudaDeviceEnablePeerAccess(%d) from device %d: already enabled", peerDevice,
                current);
  }
  if (result != 0) {
    return fail(cudaErrorInvalidDevice, "cudaDeviceEnablePeerAccess(%d) from device %d refused",
                peerDevice, current);
  }
  return cudaSuccess;
}

// ---- memory -------------------------------------------------------------------------------------

cudaError_t cudaMalloc(void** devPtr, size_t size) {
  if (devPtr == nullptr) return fail(cudaErrorInvalidValue, "cudaMalloc: devPtr is NULL");
  if (no_device()) return fail_no_device("cudaMalloc");
  if (size == 0) {
    *devPtr = nullptr;  // as the real runtime answers a request for nothing
    return cudaSuccess;
  }
  emu_status status = EMU_OK;
  void* p = emu_device_alloc(emu_current_device(), size, &status);
  if (p == nullptr) {
    return fail(status == EMU_OUT_OF_MEMORY ? cudaErrorMemoryAllocation : cudaErrorInvalidValue,
                "cudaMalloc(%zu bytes) on device %d: %s", size, emu_current_device(),
                emu_status_text(status));
  }
  *devPtr = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void* devPtr) {
  if (devPtr == nullptr) return cudaSuccess;
  emu_status status = emu_device_free(devPtr);
  if (status != EMU_OK) {
    return fail(cudaErrorInvalidValue, "cudaFree(%p): %s", devPtr,
                status == EMU_WRONG_KIND ? "page-locked host memory (use cudaFreeHost)"
                                         : emu_status_text(status));
  }
  return cudaSuccess;
}

cudaError_t cudaMallocHost(void** ptr, size_t size) {
  if (ptr == nullptr) return fail(cudaErrorInvalidValue, "cudaMallocHost: ptr is NULL");
  if (no_device()) return fail_no_device("cudaMallocHost");
  if (size == 0) {
    *ptr = nullptr;
    return cudaSuccess;
  }
  emu_status status = EMU_OK;
  void* p = emu_host_alloc(size, &status);
  if (p == nullptr) {
    return fail(cudaErrorMemoryAllocation, "cudaMallocHost(%zu bytes): %s", size,
                emu_status_text(status));
  }
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaFreeHost(void* ptr) {
  if (ptr == nullptr) return cudaSuccess;
  emu_status status = emu_host_free(ptr);
  if (status != EMU_OK) {
    return fail(cudaErrorInvalidValue, "cudaFreeHost(%p): %s", ptr,
                status == EMU_WRONG_KIND ? "device memory (use cudaFree)"
                : status == EMU_NOT_ALLOCATED ? "not memory from cudaMallocHost"
                                              : emu_status_text(status));
  }
  return cudaSuccess;
}

static cudaError_t copy(const char* call, void* dst, const void* src, size_t count, int kind) {
  if (count == 0) {
    if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) {
      return fail(cudaErrorInvalidMemcpyDirection, "%s: kind %d is no cudaMemcpyKind", call, kind);
    }
    return cudaSuccess;
  }
  cudaError_t error = check_copy(call, dst, count, src, count, kind);
  if (error != cudaSuccess) return error;
  memmove(dst, src, count);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind) {
  return copy("cudaMemcpy", dst, src, count, kind);
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream) {
  cudaError_t error = check_stream("cudaMemcpyAsync", stream);
  if (error != cudaSuccess) return error;
  return copy("cudaMemcpyAsync", dst, src, count, kind);
}

cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch,
                              size_t width, size_t height, enum cudaMemcpyKind kind,
                              cudaStream_t stream) {
  const char* call = "cudaMemcpy2DAsync";
  cudaError_t error = check_stream(call, stream);
  if (error != cudaSuccess) return error;
  if (width > dpitch || width > spitch) {
    return fail(cudaErrorInvalidPitchValue, "%s: width %zu exceeds dpitch %zu or spitch %zu", call,
                width, dpitch, spitch);
  }
  if (width == 0 || height == 0) {
    if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) {
      return fail(cudaErrorInvalidMemcpyDirection, "%s: kind %d is no cudaMemcpyKind", call, kind);
    }
    return cudaSuccess;
  }
  error = check_copy(call, dst, extent_2d(dpitch, width, height), src,
                     extent_2d(spitch, width, height), kind);
  if (error != cudaSuccess) return error;
  for (size_t row = 0; row < height; row++) {
    memmove((char*)dst + row * dpitch, (const char*)src + row * spitch, width);
  }
  return cudaSuccess;
}

// [p, p + count) must be memory of `device` (a refusal is logged).
static bool peer_side(const char* call, const char* side, const void* p, size_t count, int device) {
  int owner = -1;
  if (emu_memory_kind_of(p, &owner) == EMU_MEMORY_DEVICE && owner != device) {
    emu_log("cudart", "%s: %s %p lives on device %d, not on %sDevice %d", call, side, p, owner,
            side, device);
    return false;
  }
  char what[96];
  snprintf(what, sizeof what, "%s %s (device %d)", call, side, device);
  return emu_check_device_range(p, count, device, what) == EMU_OK;
}

static cudaError_t copy_peer(const char* call, void* dst, int dstDevice, const void* src,
                             int srcDevice, size_t count) {
  if (no_device()) return fail_no_device(call);
  if (!emu_device_valid(dstDevice) || !emu_device_valid(srcDevice)) {
    return fail(cudaErrorInvalidDevice, "%s: device %d or %d does not exist (%d emulated devices)",
                call, dstDevice, srcDevice, emu_device_count());
  }
  if (count == 0) return cudaSuccess;
  // Each side must be memory of the device named for it (no peer access needed for copies).
  if (!peer_side(call, "dst", dst, count, dstDevice)) return record(cudaErrorInvalidValue);
  if (!peer_side(call, "src", src, count, srcDevice)) return record(cudaErrorInvalidValue);
  memmove(dst, src, count);
  return cudaSuccess;
}

cudaError_t cudaMemcpyPeer(void* dst, int dstDevice, const void* src, int srcDevice, size_t count) {
  return copy_peer("cudaMemcpyPeer", dst, dstDevice, src, srcDevice, count);
}

cudaError_t cudaMemcpyPeerAsync(void* dst, int dstDevice, const void* src, int srcDevice,
                                size_t count, cudaStream_t stream) {
  cudaError_t error = check_stream("cudaMemcpyPeerAsync", stream);
  if (error != cudaSuccess) return error;
  return copy_peer("cudaMemcpyPeerAsync", dst, dstDevice, src, srcDevice, count);
}

static cudaError_t fill(const char* call, void* devPtr, int value, size_t count) {
  if (count == 0) return cudaSuccess;
  if (!device_range(devPtr, count, call)) return record(cudaErrorInvalidValue);
  memset(devPtr, value, count);
  return cudaSuccess;
}

cudaError_t cudaMemset(void* devPtr, int value, size_t count) {
  return fill("cudaMemset", devPtr, value, count);
}

cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count, cudaStream_t stream) {
  cudaError_t error = check_stream("cudaMemsetAsync", stream);
  if (error != cudaSuccess) return error;
  return fill("cudaMemsetAsync", devPtr, value, count);
}

// ---- streams ------------------------------------------------------------------------------------

cudaError_t cudaStreamCreate(cudaStream_t* pStream) {
  if (pStream == nullptr) return fail(cudaErrorInvalidValue, "cudaStreamCreate: pStream is NULL");
  if (no_device()) return fail_no_device("cudaStreamCreate");
  emu_stream* s = emu_stream_create(emu_current_device());
  if (s == nullptr) {
    return fail(cudaErrorInvalidDevice, "cudaStreamCreate on device %d refused",
                emu_current_device());
  }
  *pStream = (cudaStream_t)s;
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  emu_stream* s = emu_cudart_stream(stream);
  if (s == nullptr) {
    return fail(cudaErrorInvalidResourceHandle, "cudaStreamDestroy(%p): a default stream",
                (void*)stream);
  }
  emu_status status = emu_stream_destroy(s);
  if (status != EMU_OK) {
    return fail(cudaErrorInvalidResourceHandle, "cudaStreamDestroy(%p): %s", (void*)stream,
                status == EMU_FREED ? "already destroyed" : "not a stream");
  }
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (!emu_stream_valid(emu_cudart_stream(stream))) {
    return fail(cudaErrorInvalidResourceHandle,
                "cudaStreamSynchronize(%p): not a live stream (destroyed, or never created)",
                (void*)stream);
  }
  return cudaSuccess;  // its work completed when it was enqueued
}

// Makes later work on `stream` wait for the last record of `event`, which may belong to another
// device (that is what it is for). An event never recorded is no wait at all, as the reference
// says; the emulator's streams have finished everything when it is called, so it orders nothing.
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
  cudaError_t error = check_stream("cudaStreamWaitEvent", stream);
  if (error != cudaSuccess) return error;
  if (live_event("cudaStreamWaitEvent", event) == nullptr) return cudaErrorInvalidResourceHandle;
  if (flags != cudaEventWaitDefault && flags != cudaEventWaitExternal) {
    return fail(cudaErrorInvalidValue, "cudaStreamWaitEvent: flags 0x%x are not cudaEventWait*",
                flags);
  }
  return cudaSuccess;
}

// ---- events -------------------------------------------------------------------------------------

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  return cudaEventCreateWithFlags(event, cudaEventDefault);
}

// An event of the current device. cudaEventInterprocess needs cudaEventDisableTiming.
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags) {
  if (event == nullptr) return fail(cudaErrorInvalidValue, "cudaEventCreate: event is NULL");
  if (no_device()) return fail_no_device("cudaEventCreate");
  const unsigned int known = cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess;
  if ((flags & ~known) != 0 ||
      ((flags & cudaEventInterprocess) != 0 && (flags & cudaEventDisableTiming) == 0)) {
    return fail(cudaErrorInvalidValue,
                "cudaEventCreateWithFlags: flags 0x%x (cudaEventInterprocess needs "
                "cudaEventDisableTiming; no others are known)",
                flags);
  }
  CUevent_st* e = new CUevent_st{emu_current_device(), flags, {false}};
  emu_handle_add(kEventKind, e, e->device);
  *event = e;
  return cudaSuccess;
}

// The event and the stream must be of the same device (the stream NULL: the current device's
// default stream); otherwise cudaErrorInvalidResourceHandle, as a real runtime answers.
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  CUevent_st* e = live_event("cudaEventRecord", event);
  if (e == nullptr) return cudaErrorInvalidResourceHandle;
  cudaError_t error = check_stream("cudaEventRecord", stream);
  if (error != cudaSuccess) return error;
  int device = emu_stream_device(emu_cudart_stream(stream));
  if (device != e->device) {
    return fail(cudaErrorInvalidResourceHandle,
                "cudaEventRecord: event %p of device %d recorded on stream %p of device %d",
                (void*)event, e->device, (void*)stream, device);
  }
  e->recorded = true;
  return cudaSuccess;
}

// Recorded work has always completed here; an event never recorded counts as complete too.
cudaError_t cudaEventQuery(cudaEvent_t event) {
  return live_event("cudaEventQuery", event) == nullptr ? cudaErrorInvalidResourceHandle
                                                        : cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  return live_event("cudaEventSynchronize", event) == nullptr ? cudaErrorInvalidResourceHandle
                                                              : cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  if (live_event("cudaEventDestroy", event) == nullptr) return cudaErrorInvalidResourceHandle;
  emu_handle_remove(kEventKind, event);
  return cudaSuccess;
}

// ---- errors -------------------------------------------------------------------------------------

cudaError_t cudaGetLastError(void) {
  cudaError_t error = last_error;
  last_error = cudaSuccess;
  return error;
}

cudaError_t cudaPeekAtLastError(void) { return last_error; }

}  // extern "C"
