// The emulator's shared state: devices, device memory, streams, handles and diagnostics. Every
// emulated NVIDIA library (runtime, driver, cuDNN, cuBLAS, NVRTC, NCCL) links libcudaemu.so and
// goes through these functions, so that memory allocated through one library is seen by all of
// them, exactly as the driver's primary context makes it on a real GPU.
//
// A test fixture, never a user's library: it proves our Java code, JCuda's JNI marshalling,
// lifetimes and multi-device logic; it proves nothing about real numerics or speed.
//
// Device memory is host memory mapped with mmap; a freed block stays reserved (PROT_NONE), so its
// addresses are never handed out again and a later use is recognised as use after free.
// Streams run their work at enqueue time: an in-order queue whose every item has completed before
// the call returns.
#ifndef ALEXNET4J_EMU_CORE_H
#define ALEXNET4J_EMU_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EMU_EXPORT __attribute__((visibility("default")))

// ---- devices ---------------------------------------------------------------------------------

// Number of emulated devices: ALEXNET4J_CUDA_EMU_DEVICES (default 2, at most 16).
EMU_EXPORT int emu_device_count(void);
// Bytes of memory each device accounts for: ALEXNET4J_CUDA_EMU_MEMORY_MIB (default 4096).
EMU_EXPORT size_t emu_device_memory_total(void);
EMU_EXPORT size_t emu_device_memory_used(int device);
// The name every emulated device reports, e.g. "alexnet4j emulated CUDA device 1 (host memory)".
EMU_EXPORT const char* emu_device_name(int device);
EMU_EXPORT int emu_device_valid(int device);
// The device's compute capability as major * 10 + minor: 80 (8.0, an A100's) for every emulated
// device, what the runtime's cudaGetDeviceProperties reports; -1 when the device does not exist.
// The driver checks a cubin's sm_XY target against it.
EMU_EXPORT int emu_device_compute_capability(int device);

// The calling thread's current device (0 until set), as cudaSetDevice keeps it per host thread.
EMU_EXPORT int emu_current_device(void);
// Returns 0, or -1 when the device does not exist.
EMU_EXPORT int emu_set_current_device(int device);

// ---- memory -----------------------------------------------------------------------------------

typedef enum {
  EMU_OK = 0,
  EMU_OUT_OF_MEMORY,        // over the device's accounted memory
  EMU_NOT_ALLOCATED,        // not inside any block this emulator handed out
  EMU_FREED,                // inside a block that has been freed (use after free)
  EMU_OUT_OF_RANGE,         // starts inside a live block but runs past its end
  EMU_PEER_NOT_ENABLED,     // another device's memory, peer access not enabled
  EMU_NOT_A_BLOCK_START,    // free of a pointer that is not the start of a live block
  EMU_WRONG_KIND            // host memory where device memory is needed, or the reverse
} emu_status;

EMU_EXPORT const char* emu_status_text(emu_status status);

// Device memory on `device`, zero-filled (real memory is not, but deterministic tests need one
// answer). NULL with EMU_OUT_OF_MEMORY when the device's accounted memory would be exceeded.
EMU_EXPORT void* emu_device_alloc(int device, size_t bytes, emu_status* status);
EMU_EXPORT emu_status emu_device_free(void* pointer);
// Page-locked host memory (cudaMallocHost): tracked for leaks and freeing, usable as host memory.
EMU_EXPORT void* emu_host_alloc(size_t bytes, emu_status* status);
EMU_EXPORT emu_status emu_host_free(void* pointer);

typedef enum {
  EMU_MEMORY_HOST = 0,    // not ours: ordinary host memory (a Java array, malloc)
  EMU_MEMORY_PINNED = 1,  // a live cudaMallocHost block
  EMU_MEMORY_DEVICE = 2,  // a live device block
  EMU_MEMORY_FREED = 3    // a freed block of either kind
} emu_memory_kind;

// What `pointer` is; for device memory, its device goes to *device (may be NULL).
EMU_EXPORT emu_memory_kind emu_memory_kind_of(const void* pointer, int* device);

// May `device` read or write [pointer, pointer + bytes)? EMU_OK when the range lies inside one
// live device block that is on `device` or on a peer `device` has enabled access to.
// `what` names the argument in the diagnostic printed on refusal (e.g. "cudnnConvolutionForward x").
EMU_EXPORT emu_status emu_check_device_range(const void* pointer, size_t bytes, int device,
                                             const char* what);
// As above for host memory: EMU_WRONG_KIND when the range is device memory, EMU_FREED when freed
// pinned memory; anything else is accepted (the emulator cannot see Java's array bounds).
EMU_EXPORT emu_status emu_check_host_range(const void* pointer, size_t bytes, const char* what);

// ---- peer access ------------------------------------------------------------------------------

EMU_EXPORT int emu_peer_enabled(int device, int peer);
// 0 when newly enabled, 1 when it already was, -1 for an invalid pair (same device, no device).
EMU_EXPORT int emu_enable_peer(int device, int peer);

// ---- streams ----------------------------------------------------------------------------------

typedef struct emu_stream emu_stream;

EMU_EXPORT emu_stream* emu_stream_create(int device);
EMU_EXPORT emu_status emu_stream_destroy(emu_stream* stream);
// 1 when `stream` is a live stream made here, or NULL (the legacy default stream).
EMU_EXPORT int emu_stream_valid(const emu_stream* stream);
// The stream's device; NULL means the default stream of the calling thread's current device.
EMU_EXPORT int emu_stream_device(const emu_stream* stream);

// ---- handles (descriptors, library handles, modules, communicators) ---------------------------

// Records a live handle of `kind` ("cudnnHandle_t", "cublasHandle_t", "cudnnTensorDescriptor_t",
// ...) for leak reports and validity checks. `device` is -1 when the handle has none.
EMU_EXPORT void emu_handle_add(const char* kind, const void* handle, int device);
// 0 when removed, -1 when `handle` is not a live handle of `kind` (double destroy, wrong kind).
EMU_EXPORT int emu_handle_remove(const char* kind, const void* handle);
// 1 when `handle` is a live handle of `kind`; its device to *device (may be NULL).
EMU_EXPORT int emu_handle_live(const char* kind, const void* handle, int* device);

// ---- diagnostics ------------------------------------------------------------------------------

// Prints "cuda-emulator: <library>: <message>" on stderr; every refusal says why through this.
EMU_EXPORT void emu_log(const char* library, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

// What is still alive (allocations and handles), one line each; "" when nothing. The caller
// frees the string with free(). At process exit the same report is printed, and when
// ALEXNET4J_CUDA_EMU_LEAKS=fail the process then exits with status 86.
EMU_EXPORT char* emu_live_report(void);

#ifdef __cplusplus
}
#endif

#endif
