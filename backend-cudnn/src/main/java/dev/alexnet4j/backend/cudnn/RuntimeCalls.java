package dev.alexnet4j.backend.cudnn;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * The one checked boundary for the CUDA runtime (JCuda): loading, versions, devices, streams,
 * events, memory and copies: every such call of this backend goes through here, every status is
 * checked, and a failure becomes a {@link NativeCallException} naming the call, the status, the
 * device and the layer. Reached through {@link CudaCalls}; tests mock it.
 */
class RuntimeCalls {
  /** Loads the JCuda runtime natives (CUDA runtime linked in; the driver is opened lazily). */
  void loadRuntime() {
    JCuda.setExceptionsEnabled(false);
  }

  /** The driver's CUDA version (e.g. 12040), or 0 when no driver (libcuda.so.1) is installed. */
  int driverVersion(CallSite at) {
    int[] v = new int[1];
    cuda(at, "cudaDriverGetVersion", JCuda.cudaDriverGetVersion(v));
    return v[0];
  }

  int runtimeVersion(CallSite at) {
    int[] v = new int[1];
    cuda(at, "cudaRuntimeGetVersion", JCuda.cudaRuntimeGetVersion(v));
    return v[0];
  }

  /**
   * The raw status of {@code cudaGetDeviceCount}, unchecked: the availability check tells "no
   * driver" from "no GPU" by it. The count goes to {@code count[0]}.
   */
  int deviceCountStatus(int[] count) {
    return JCuda.cudaGetDeviceCount(count);
  }

  int deviceCount(CallSite at) {
    int[] count = new int[1];
    cuda(at, "cudaGetDeviceCount", JCuda.cudaGetDeviceCount(count));
    return count[0];
  }

  /** Name, compute capability and memory of a device. */
  GpuProperties deviceProperties(CallSite at, int device) {
    cudaDeviceProp p = new cudaDeviceProp();
    cuda(at, "cudaGetDeviceProperties", JCuda.cudaGetDeviceProperties(p, device));
    int end = 0;
    while (end < p.name.length && p.name[end] != 0) {
      end++;
    }
    String name = new String(p.name, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    return new GpuProperties(device, name, p.major, p.minor, p.totalGlobalMem);
  }

  void setDevice(CallSite at, int device) {
    cuda(at, "cudaSetDevice", JCuda.cudaSetDevice(device));
  }

  cudaStream_t createStream(CallSite at) {
    cudaStream_t stream = new cudaStream_t();
    cuda(at, "cudaStreamCreate", JCuda.cudaStreamCreate(stream));
    return stream;
  }

  void destroyStream(CallSite at, cudaStream_t stream) {
    cuda(at, "cudaStreamDestroy", JCuda.cudaStreamDestroy(stream));
  }

  void synchronize(CallSite at, cudaStream_t stream) {
    cuda(at, "cudaStreamSynchronize", JCuda.cudaStreamSynchronize(stream));
  }

  /** An event of the current device, for ordering streams only (timing disabled: cheaper). */
  cudaEvent_t createEvent(CallSite at) {
    cudaEvent_t event = new cudaEvent_t();
    cuda(
        at,
        "cudaEventCreateWithFlags",
        JCuda.cudaEventCreateWithFlags(event, JCuda.cudaEventDisableTiming));
    return event;
  }

  /** Marks the end of the work queued on {@code stream}, which must be of the event's device. */
  void recordEvent(CallSite at, cudaEvent_t event, cudaStream_t stream) {
    cuda(at, "cudaEventRecord", JCuda.cudaEventRecord(event, stream));
  }

  /**
   * Makes later work on {@code stream} wait, on the GPU, for the event's last record (of any
   * device); the host does not wait.
   */
  void waitEvent(CallSite at, cudaStream_t stream, cudaEvent_t event) {
    cuda(
        at,
        "cudaStreamWaitEvent",
        JCuda.cudaStreamWaitEvent(stream, event, JCuda.cudaEventWaitDefault));
  }

  void destroyEvent(CallSite at, cudaEvent_t event) {
    cuda(at, "cudaEventDestroy", JCuda.cudaEventDestroy(event));
  }

  /** Device memory (cudaMalloc, never managed memory). */
  Pointer malloc(CallSite at, long bytes) {
    Pointer p = new Pointer();
    cuda(at, "cudaMalloc(" + bytes + " bytes)", JCuda.cudaMalloc(p, bytes));
    return p;
  }

  void free(CallSite at, Pointer devicePointer) {
    cuda(at, "cudaFree", JCuda.cudaFree(devicePointer));
  }

  /** Page-locked host memory, for transfers the GPU can DMA directly. */
  Pointer mallocHost(CallSite at, long bytes) {
    Pointer p = new Pointer();
    cuda(at, "cudaMallocHost(" + bytes + " bytes)", JCuda.cudaMallocHost(p, bytes));
    return p;
  }

  void freeHost(CallSite at, Pointer hostPointer) {
    cuda(at, "cudaFreeHost", JCuda.cudaFreeHost(hostPointer));
  }

  void memcpyAsync(
      CallSite at, Pointer dst, Pointer src, long bytes, int kind, cudaStream_t stream) {
    cuda(at, "cudaMemcpyAsync", JCuda.cudaMemcpyAsync(dst, src, bytes, kind, stream));
  }

  /** {@code height} rows of {@code widthBytes}, with the given pitches (bytes between rows). */
  void memcpy2DAsync(
      CallSite at,
      Pointer dst,
      long dstPitch,
      Pointer src,
      long srcPitch,
      long widthBytes,
      long height,
      int kind,
      cudaStream_t stream) {
    cuda(
        at,
        "cudaMemcpy2DAsync",
        JCuda.cudaMemcpy2DAsync(dst, dstPitch, src, srcPitch, widthBytes, height, kind, stream));
  }

  void memcpyPeerAsync(
      CallSite at,
      Pointer dst,
      int dstDevice,
      Pointer src,
      int srcDevice,
      long bytes,
      cudaStream_t stream) {
    cuda(
        at,
        "cudaMemcpyPeerAsync",
        JCuda.cudaMemcpyPeerAsync(dst, dstDevice, src, srcDevice, bytes, stream));
  }

  void memsetAsync(CallSite at, Pointer dst, int value, long bytes, cudaStream_t stream) {
    cuda(at, "cudaMemsetAsync", JCuda.cudaMemsetAsync(dst, value, bytes, stream));
  }

  boolean canAccessPeer(CallSite at, int device, int peer) {
    int[] can = new int[1];
    cuda(at, "cudaDeviceCanAccessPeer", JCuda.cudaDeviceCanAccessPeer(can, device, peer));
    return can[0] != 0;
  }

  /** Enables access from the current device to {@code peer}; already enabled is fine. */
  void enablePeerAccess(CallSite at, int peer) {
    int status = JCuda.cudaDeviceEnablePeerAccess(peer, 0);
    if (status == cudaError.cudaErrorPeerAccessAlreadyEnabled) {
      // The error is sticky in cudaGetLastError; clear it so a later check does not see it.
      JCuda.cudaGetLastError();
      return;
    }
    cuda(at, "cudaDeviceEnablePeerAccess", status);
  }

  static void cuda(CallSite at, String call, int status) {
    if (status != cudaError.cudaSuccess) {
      throw new NativeCallException(
          call, cudaError.stringFor(status), status, at, StatusHints.cuda(status));
    }
  }
}
