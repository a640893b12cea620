// The emulated CUDA runtime's C API: what the real runtime accepts works, what it refuses is
// refused with the same error, and every error is the thread's last error until read.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "emu_runtime.h"

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)
// The call fails with `error`, which is then the last error (and reading it clears it).
#define REFUSED(call, error)                  \
  do {                                        \
    CHECK((call) == (error));                 \
    CHECK(cudaPeekAtLastError() == (error));  \
    CHECK(cudaGetLastError() == (error));     \
    CHECK(cudaGetLastError() == cudaSuccess); \
  } while (0)

int main() {
  int n = -1;
  CHECK(cudaGetDeviceCount(&n) == cudaSuccess && n == 2);
  int v = 0;
  CHECK(cudaDriverGetVersion(&v) == cudaSuccess && v == 11070);
  CHECK(cudaRuntimeGetVersion(&v) == cudaSuccess && v == 11070);
  REFUSED(cudaGetDeviceCount(nullptr), cudaErrorInvalidValue);

  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 1) == cudaSuccess);
  CHECK(strstr(prop.name, "emulated") != nullptr && strstr(prop.name, "1") != nullptr);
  CHECK(prop.major == 8 && prop.minor == 0 && prop.totalGlobalMem == emu_device_memory_total());
  CHECK(prop.multiProcessorCount > 0 && prop.warpSize == 32);
  REFUSED(cudaGetDeviceProperties(&prop, 2), cudaErrorInvalidDevice);

  // devices are per host thread
  REFUSED(cudaSetDevice(2), cudaErrorInvalidDevice);
  REFUSED(cudaSetDevice(-1), cudaErrorInvalidDevice);
  CHECK(cudaSetDevice(1) == cudaSuccess);
  int d = -1;
  CHECK(cudaGetDevice(&d) == cudaSuccess && d == 1);
  std::thread([] {
    int other = -1;
    cudaGetDevice(&other);
    CHECK(other == 0);
    CHECK(cudaGetLastError() == cudaSuccess);
  }).join();
  // the last error is per thread too
  CHECK(cudaSetDevice(9) == cudaErrorInvalidDevice);
  std::thread([] { CHECK(cudaPeekAtLastError() == cudaSuccess); }).join();
  CHECK(cudaGetLastError() == cudaErrorInvalidDevice);
  CHECK(cudaSetDevice(0) == cudaSuccess);

  // memory and copies
  float host[256], back[256];
  for (int i = 0; i < 256; i++) host[i] = (float)i;
  float* a = nullptr;
  CHECK(cudaMalloc((void**)&a, sizeof host) == cudaSuccess && a != nullptr);
  int owner = -1;
  CHECK(emu_memory_kind_of(a, &owner) == EMU_MEMORY_DEVICE && owner == 0);
  CHECK(cudaMemcpy(a, host, sizeof host, cudaMemcpyHostToDevice) == cudaSuccess);
  memset(back, 0, sizeof back);
  CHECK(cudaMemcpy(back, a, sizeof back, cudaMemcpyDeviceToHost) == cudaSuccess);
  CHECK(memcmp(host, back, sizeof host) == 0);
  CHECK(cudaMemcpy(back, host, 16, cudaMemcpyHostToHost) == cudaSuccess);
  CHECK(cudaMemcpy(back, a, 16, cudaMemcpyDefault) == cudaSuccess);
  void* zero = (void*)1;
  CHECK(cudaMalloc(&zero, 0) == cudaSuccess && zero == nullptr);
  // each kind checks what it names
  REFUSED(cudaMemcpy(a, host, 16, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(host, a, 16, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(a, host, 16, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(back, a, 16, cudaMemcpyHostToHost), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(back, a, 16, (cudaMemcpyKind)7), cudaErrorInvalidMemcpyDirection);
  REFUSED(cudaMemcpy(a + 250, host, 32, cudaMemcpyHostToDevice), cudaErrorInvalidValue);  // overrun
  REFUSED(cudaMemcpy(nullptr, a, 16, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  CHECK(cudaMemcpy(nullptr, nullptr, 0, cudaMemcpyDeviceToHost) == cudaSuccess);

  // pinned memory is host memory for copies, and only cudaFreeHost frees it
  float* pinned = nullptr;
  CHECK(cudaMallocHost((void**)&pinned, sizeof host) == cudaSuccess && pinned != nullptr);
  CHECK(cudaMemcpy(pinned, a, sizeof host, cudaMemcpyDeviceToHost) == cudaSuccess);
  CHECK(pinned[255] == 255.0f);
  REFUSED(cudaMemcpy(pinned, a, sizeof host, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
  REFUSED(cudaFree(pinned), cudaErrorInvalidValue);
  REFUSED(cudaFreeHost(a), cudaErrorInvalidValue);
  REFUSED(cudaFreeHost(host), cudaErrorInvalidValue);

  // streams: in order, complete on return
  cudaStream_t s0 = nullptr, s1 = nullptr;
  CHECK(cudaStreamCreate(&s0) == cudaSuccess && s0 != nullptr);
  CHECK(emu_stream_device((emu_stream*)s0) == 0);
  CHECK(cudaMemsetAsync(a, 0, 8, s0) == cudaSuccess);
  CHECK(cudaMemcpyAsync(back, a, 12, cudaMemcpyDeviceToHost, s0) == cudaSuccess);
  CHECK(back[0] == 0.0f && back[1] == 0.0f && back[2] == 2.0f);
  CHECK(cudaMemsetAsync(a, 0, 8, nullptr) == cudaSuccess);
  CHECK(cudaMemsetAsync(a, 0, 8, cudaStreamPerThread) == cudaSuccess);
  CHECK(cudaStreamSynchronize(s0) == cudaSuccess && cudaStreamSynchronize(nullptr) == cudaSuccess);
  REFUSED(cudaMemsetAsync(a, 0, sizeof host + 4, s0), cudaErrorInvalidValue);
  REFUSED(cudaMemsetAsync(host, 0, 4, s0), cudaErrorInvalidValue);
  REFUSED(cudaStreamCreate(nullptr), cudaErrorInvalidValue);

  // 2D: 3 rows of 2 floats out of rows of 4
  float grid[12], packed[6];
  for (int i = 0; i < 12; i++) grid[i] = (float)i;
  CHECK(cudaMemcpy(a, grid, sizeof grid, cudaMemcpyHostToDevice) == cudaSuccess);
  CHECK(cudaMemcpy2DAsync(packed, 8, a, 16, 8, 3, cudaMemcpyDeviceToHost, s0) == cudaSuccess);
  CHECK(packed[0] == 0 && packed[1] == 1 && packed[2] == 4 && packed[3] == 5 && packed[4] == 8 &&
        packed[5] == 9);
  REFUSED(cudaMemcpy2DAsync(packed, 4, a, 16, 8, 3, cudaMemcpyDeviceToHost, s0),
          cudaErrorInvalidPitchValue);
  REFUSED(cudaMemcpy2DAsync(packed, 8, a + 250, 16, 8, 3, cudaMemcpyDeviceToHost, s0),
          cudaErrorInvalidValue);

  // the second device; copies cross devices without peer access, which only kernels need
  CHECK(cudaSetDevice(1) == cudaSuccess);
  CHECK(cudaStreamCreate(&s1) == cudaSuccess && emu_stream_device((emu_stream*)s1) == 1);
  float* b = nullptr;
  CHECK(cudaMalloc((void**)&b, sizeof host) == cudaSuccess);
  CHECK(emu_memory_kind_of(b, &owner) == EMU_MEMORY_DEVICE && owner == 1);
  CHECK(cudaMemcpy(a, host, sizeof host, cudaMemcpyHostToDevice) == cudaSuccess);
  CHECK(cudaMemcpyPeerAsync(b, 1, a, 0, sizeof host, s1) == cudaSuccess);
  CHECK(cudaMemcpy(back, b, sizeof back, cudaMemcpyDeviceToHost) == cudaSuccess);
  CHECK(back[100] == 100.0f);
  CHECK(cudaMemcpy(b, a, 64, cudaMemcpyDeviceToDevice) == cudaSuccess);
  CHECK(cudaMemcpyPeer(b, 1, a, 0, 64) == cudaSuccess);
  REFUSED(cudaMemcpyPeerAsync(b, 0, a, 0, 16, s1), cudaErrorInvalidValue);  // b is on device 1
  REFUSED(cudaMemcpyPeerAsync(b, 1, a, 3, 16, s1), cudaErrorInvalidDevice);
  CHECK(cudaMemcpyAsync(b, a, 16, cudaMemcpyDeviceToDevice, s0) == cudaSuccess);  // s0: device 0
  CHECK(cudaGetLastError() == cudaSuccess);

  // events: handles of the device current at creation, recorded only on that device's streams,
  // waited on from any device; a wait on an event never recorded is no wait (the reference's rule)
  cudaEvent_t e0 = nullptr, e1 = nullptr;
  CHECK(cudaSetDevice(0) == cudaSuccess);
  CHECK(cudaEventCreateWithFlags(&e0, cudaEventDisableTiming) == cudaSuccess && e0 != nullptr);
  CHECK(emu_handle_live("cudaEvent_t", e0, &owner) && owner == 0);
  CHECK(cudaStreamWaitEvent(s1, e0, 0) == cudaSuccess);  // never recorded: a no-op
  CHECK(cudaEventQuery(e0) == cudaSuccess && cudaEventSynchronize(e0) == cudaSuccess);
  CHECK(cudaEventRecord(e0, s0) == cudaSuccess);
  CHECK(cudaEventRecord(e0, nullptr) == cudaSuccess);  // device 0's default stream
  REFUSED(cudaEventRecord(e0, s1), cudaErrorInvalidResourceHandle);  // s1 is on device 1
  CHECK(cudaStreamWaitEvent(s1, e0, cudaEventWaitDefault) == cudaSuccess);  // across devices
  REFUSED(cudaStreamWaitEvent(s1, e0, 4), cudaErrorInvalidValue);
  CHECK(cudaSetDevice(1) == cudaSuccess);
  CHECK(cudaEventCreate(&e1) == cudaSuccess);
  CHECK(cudaEventRecord(e1, nullptr) == cudaSuccess);  // device 1's default stream now
  CHECK(cudaEventRecord(e1, s1) == cudaSuccess);
  REFUSED(cudaEventRecord(e1, s0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaEventCreateWithFlags(&e1, cudaEventInterprocess), cudaErrorInvalidValue);
  REFUSED(cudaEventCreateWithFlags(&e1, 0x40), cudaErrorInvalidValue);
  REFUSED(cudaEventCreate(nullptr), cudaErrorInvalidValue);
  CHECK(cudaEventDestroy(e0) == cudaSuccess);  // from device 1: allowed
  CHECK(!emu_handle_live("cudaEvent_t", e0, nullptr));
  REFUSED(cudaEventDestroy(e0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaEventRecord(e0, s0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaStreamWaitEvent(s1, e0, 0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaEventQuery(e0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaEventSynchronize(e0), cudaErrorInvalidResourceHandle);
  REFUSED(cudaEventSynchronize((cudaEvent_t)host), cudaErrorInvalidResourceHandle);
  REFUSED(cudaStreamWaitEvent(s1, nullptr, 0), cudaErrorInvalidResourceHandle);
  char* live = emu_live_report();  // an event not yet destroyed is reported as a leak would be
  CHECK(live != nullptr && strstr(live, "cudaEvent_t") != nullptr);
  free(live);
  CHECK(cudaEventDestroy(e1) == cudaSuccess);

  // peer access
  int can = -1;
  CHECK(cudaDeviceCanAccessPeer(&can, 1, 0) == cudaSuccess && can == 1);
  CHECK(cudaDeviceCanAccessPeer(&can, 0, 0) == cudaSuccess && can == 0);
  REFUSED(cudaDeviceCanAccessPeer(&can, 0, 4), cudaErrorInvalidDevice);
  CHECK(!emu_peer_enabled(1, 0));
  REFUSED(cudaDeviceEnablePeerAccess(0, 1), cudaErrorInvalidValue);
  CHECK(cudaDeviceEnablePeerAccess(0, 0) == cudaSuccess);
  CHECK(emu_peer_enabled(1, 0) && !emu_peer_enabled(0, 1));
  REFUSED(cudaDeviceEnablePeerAccess(0, 0), cudaErrorPeerAccessAlreadyEnabled);
  REFUSED(cudaDeviceEnablePeerAccess(1, 0), cudaErrorInvalidDevice);  // itself
  REFUSED(cudaDeviceEnablePeerAccess(5, 0), cudaErrorInvalidDevice);

  // out of memory
  void* huge = nullptr;
  REFUSED(cudaMalloc(&huge, emu_device_memory_total() + 1), cudaErrorMemoryAllocation);

  // use after free, double free, destroyed streams
  CHECK(cudaFree(b) == cudaSuccess);
  REFUSED(cudaFree(b), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(back, b, 4, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  REFUSED(cudaMemcpy(back, b, 4, cudaMemcpyDefault), cudaErrorInvalidValue);
  REFUSED(cudaMemsetAsync(b, 0, 4, s1), cudaErrorInvalidValue);
  REFUSED(cudaFree(a + 1), cudaErrorInvalidValue);
  CHECK(cudaFree(nullptr) == cudaSuccess && cudaFreeHost(nullptr) == cudaSuccess);
  CHECK(cudaStreamDestroy(s1) == cudaSuccess);
  REFUSED(cudaStreamDestroy(s1), cudaErrorInvalidResourceHandle);
  REFUSED(cudaStreamSynchronize(s1), cudaErrorInvalidResourceHandle);
  REFUSED(cudaMemcpyAsync(back, a, 4, cudaMemcpyDeviceToHost, s1), cudaErrorInvalidResourceHandle);
  REFUSED(cudaMemcpyPeerAsync(a, 0, a, 0, 4, s1), cudaErrorInvalidResourceHandle);
  REFUSED(cudaStreamDestroy(nullptr), cudaErrorInvalidResourceHandle);
  REFUSED(cudaStreamSynchronize((cudaStream_t)host), cudaErrorInvalidResourceHandle);
  CHECK(cudaDeviceSynchronize() == cudaSuccess);

  // error texts
  CHECK(strcmp(cudaGetErrorName(cudaErrorPeerAccessAlreadyEnabled),
               "cudaErrorPeerAccessAlreadyEnabled") == 0);
  CHECK(strcmp(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument") == 0);
  CHECK(strcmp(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory") == 0);
  CHECK(strcmp(cudaGetErrorString((cudaError_t)12345), "unrecognized error code") == 0);

  CHECK(cudaFree(a) == cudaSuccess);
  CHECK(cudaFreeHost(pinned) == cudaSuccess);
  CHECK(cudaStreamDestroy(s0) == cudaSuccess);
  CHECK(cudaGetLastError() == cudaSuccess);

  if (failures == 0) printf("runtime_test: all passed\n");
  return failures == 0 ? 0 : 1;
}
