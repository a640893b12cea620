package dev.alexnet4j.backend.cudnn;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnDeterminism;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.libraryPropertyType;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * Every call this backend makes into JCuda, JCublas, JCudnn, JNvrtc and the CUDA driver API goes
 * through here, and only here, so that (1) every status is checked and a failure becomes a {@link
 * NativeCallException} naming the call, the status, the device and the layer, and (2) the plans can
 * be tested without a GPU by mocking this one class.
 *
 * <p>JCuda's own exceptions stay disabled (its default): they name neither device nor layer.
 * Loading a JCuda class whose native library is missing throws {@link UnsatisfiedLinkError} and
 * later uses {@link NoClassDefFoundError}; those are {@link LinkageError}s and are left to the
 * caller ({@link CudnnAvailability} catches them).
 */
class CudaCalls {
  private static final int FLOAT_BYTES = 4;

  // ---- loading and versions (availability) ------------------------------------------------

  /** Loads the JCuda runtime natives (CUDA runtime linked in; the driver is opened lazily). */
  void loadRuntime() {
    JCuda.setExceptionsEnabled(false);
  }

  /** Loads JCublas2 natives, which need {@code libcublas.so.11}. */
  void loadCublas() {
    JCublas2.setExceptionsEnabled(false);
  }

  /** Loads JCudnn natives, which need {@code libcudnn.so.8}. */
  void loadCudnn() {
    JCudnn.setExceptionsEnabled(false);
  }

  /** Loads JNvrtc natives, which need {@code libnvrtc.so.11.2}. */
  void loadNvrtc() {
    JNvrtc.setExceptionsEnabled(false);
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

  long cudnnVersion() {
    return JCudnn.cudnnGetVersion();
  }

  /** cuBLAS major.minor.patch, from {@code cublasGetProperty}. */
  String cublasVersion(CallSite at) {
    int[] major = new int[1];
    int[] minor = new int[1];
    int[] patch = new int[1];
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.MAJOR_VERSION, major));
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.MINOR_VERSION, minor));
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.PATCH_LEVEL, patch));
    return major[0] + "." + minor[0] + "." + patch[0];
  }

  String nvrtcVersion(CallSite at) {
    int[] major = new int[1];
    int[] minor = new int[1];
    nvrtc(at, "nvrtcVersion", JNvrtc.nvrtcVersion(major, minor));
    return major[0] + "." + minor[0];
  }

  // ---- devices, streams, memory -----------------------------------------------------------

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

  // ---- cuDNN handle and descriptors ---------------------------------------------------------

  cudnnHandle createCudnn(CallSite at, cudaStream_t stream) {
    cudnnHandle h = new cudnnHandle();
    cudnn(at, "cudnnCreate", JCudnn.cudnnCreate(h));
    cudnn(at, "cudnnSetStream", JCudnn.cudnnSetStream(h, stream));
    return h;
  }

  void destroyCudnn(CallSite at, cudnnHandle handle) {
    cudnn(at, "cudnnDestroy", JCudnn.cudnnDestroy(handle));
  }

  cudnnTensorDescriptor createTensorDescriptor(CallSite at) {
    cudnnTensorDescriptor d = new cudnnTensorDescriptor();
    cudnn(at, "cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(d));
    return d;
  }

  /** A float NCHW view with explicit strides (in elements), so channel slices need no copy. */
  void setTensor4d(
      CallSite at,
      cudnnTensorDescriptor d,
      int n,
      int c,
      int h,
      int w,
      int nStride,
      int cStride,
      int hStride,
      int wStride) {
    cudnn(
        at,
        "cudnnSetTensor4dDescriptorEx(" + n + "x" + c + "x" + h + "x" + w + ")",
        JCudnn.cudnnSetTensor4dDescriptorEx(
            d,
            jcuda.jcudnn.cudnnDataType.CUDNN_DATA_FLOAT,
            n,
            c,
            h,
            w,
            nStride,
            cStride,
            hStride,
            wStride));
  }

  void destroyTensorDescriptor(CallSite at, cudnnTensorDescriptor d) {
    cudnn(at, "cudnnDestroyTensorDescriptor", JCudnn.cudnnDestroyTensorDescriptor(d));
  }

  cudnnFilterDescriptor createFilterDescriptor(CallSite at) {
    cudnnFilterDescriptor d = new cudnnFilterDescriptor();
    cudnn(at, "cudnnCreateFilterDescriptor", JCudnn.cudnnCreateFilterDescriptor(d));
    return d;
  }

  /** Float filters [k, c, h, w] in NCHW (= OIYX) order. */
  void setFilter4d(CallSite at, cudnnFilterDescriptor d, int k, int c, int h, int w) {
    cudnn(
        at,
        "cudnnSetFilter4dDescriptor",
        JCudnn.cudnnSetFilter4dDescriptor(
            d,
            jcuda.jcudnn.cudnnDataType.CUDNN_DATA_FLOAT,
            jcuda.jcudnn.cudnnTensorFormat.CUDNN_TENSOR_NCHW,
            k,
            c,
            h,
            w));
  }

  void destroyFilterDescriptor(CallSite at, cudnnFilterDescriptor d) {
    cudnn(at, "cudnnDestroyFilterDescriptor", JCudnn.cudnnDestroyFilterDescriptor(d));
  }

  cudnnConvolutionDescriptor createConvolutionDescriptor(CallSite at) {
    cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
    cudnn(at, "cudnnCreateConvolutionDescriptor", JCudnn.cudnnCreateConvolutionDescriptor(d));
    return d;
  }

  /** Cross-correlation (what deep learning calls convolution) in float, dilation 1. */
  void setConvolution2d(
      CallSite at, cudnnConvolutionDescriptor d, int padH, int padW, int strideH, int strideW) {
    cudnn(
        at,
        "cudnnSetConvolution2dDescriptor",
        JCudnn.cudnnSetConvolution2dDescriptor(
            d,
            padH,
            padW,
            strideH,
            strideW,
            1,
            1,
            jcuda.jcudnn.cudnnConvolutionMode.CUDNN_CROSS_CORRELATION,
            jcuda.jcudnn.cudnnDataType.CUDNN_DATA_FLOAT));
  }

  void setConvolutionGroupCount(CallSite at, cudnnConvolutionDescriptor d, int groups) {
    cudnn(
        at,
        "cudnnSetConvolutionGroupCount(" + groups + ")",
        JCudnn.cudnnSetConvolutionGroupCount(d, groups));
  }

  void setConvolutionMathType(CallSite at, cudnnConvolutionDescriptor d, int mathType) {
    cudnn(at, "cudnnSetConvolutionMathType", JCudnn.cudnnSetConvolutionMathType(d, mathType));
  }

  void destroyConvolutionDescriptor(CallSite at, cudnnConvolutionDescriptor d) {
    cudnn(at, "cudnnDestroyConvolutionDescriptor", JCudnn.cudnnDestroyConvolutionDescriptor(d));
  }

  /** [n, c, h, w] of the convolution's output as cuDNN computes it. */
  int[] convolutionOutputDims(
      CallSite at,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor x,
      cudnnFilterDescriptor w) {
    int[] n = new int[1];
    int[] c = new int[1];
    int[] h = new int[1];
    int[] wd = new int[1];
    cudnn(
        at,
        "cudnnGetConvolution2dForwardOutputDim",
        JCudnn.cudnnGetConvolution2dForwardOutputDim(conv, x, w, n, c, h, wd));
    return new int[] {n[0], c[0], h[0], wd[0]};
  }

  // ---- convolution algorithms ---------------------------------------------------------------

  List<AlgorithmCandidate> forwardAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnFilterDescriptor w,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor y) {
    int max = 16;
    int[] returned = new int[1];
    cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[max];
    for (int i = 0; i < max; i++) {
      perf[i] = new cudnnConvolutionFwdAlgoPerf();
    }
    if (measure) {
      cudnn(
          at,
          "cudnnFindConvolutionForwardAlgorithm",
          JCudnn.cudnnFindConvolutionForwardAlgorithm(h, x, w, conv, y, max, returned, perf));
    } else {
      cudnn(
          at,
          "cudnnGetConvolutionForwardAlgorithm_v7",
          JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(h, x, w, conv, y, max, returned, perf));
    }
    List<AlgorithmCandidate> out = new ArrayList<>();
    for (int i = 0; i < returned[0]; i++) {
      out.add(
          new AlgorithmCandidate(
              perf[i].algo,
              perf[i].status,
              perf[i].time,
              perf[i].memory,
              perf[i].determinism == cudnnDeterminism.CUDNN_DETERMINISTIC));
    }
    return out;
  }

  List<AlgorithmCandidate> backwardDataAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnFilterDescriptor w,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor dx) {
    int max = 16;
    int[] returned = new int[1];
    cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[max];
    for (int i = 0; i < max; i++) {
      perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
    }
    if (measure) {
      cudnn(
          at,
          "cudnnFindConvolutionBackwardDataAlgorithm",
          JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(
              h, w, dy, conv, dx, max, returned, perf));
    } else {
      cudnn(
          at,
          "cudnnGetConvolutionBackwardDataAlgorithm_v7",
          JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(
              h, w, dy, conv, dx, max, returned, perf));
    }
    List<AlgorithmCandidate> out = new ArrayList<>();
    for (int i = 0; i < returned[0]; i++) {
      out.add(
          new AlgorithmCandidate(
              perf[i].algo,
              perf[i].status,
              perf[i].time,
              perf[i].memory,
              perf[i].determinism == cudnnDeterminism.CUDNN_DETERMINISTIC));
    }
    return out;
  }

  List<AlgorithmCandidate> backwardFilterAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnFilterDescriptor dw) {
    int max = 16;
    int[] returned = new int[1];
    cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[max];
    for (int i = 0; i < max; i++) {
      perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
    }
    if (measure) {
      cudnn(
          at,
          "cudnnFindConvolutionBackwardFilterAlgorithm",
          JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(
              h, x, dy, conv, dw, max, returned, perf));
    } else {
      cudnn(
          at,
          "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
          JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(
              h, x, dy, conv, dw, max, returned, perf));
    }
    List<AlgorithmCandidate> out = new ArrayList<>();
    for (int i = 0; i < returned[0]; i++) {
      out.add(
          new AlgorithmCandidate(
              perf[i].algo,
              perf[i].status,
              perf[i].time,
              perf[i].memory,
              perf[i].determinism == cudnnDeterminism.CUDNN_DETERMINISTIC));
    }
    return out;
  }

  long forwardWorkspaceBytes(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnFilterDescriptor w,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor y,
      int algorithm) {
    long[] bytes = new long[1];
    cudnn(
        at,
        "cudnnGetConvolutionForwardWorkspaceSize",
        JCudnn.cudnnGetConvolutionForwardWorkspaceSize(h, x, w, conv, y, algorithm, bytes));
    return bytes[0];
  }

  long backwardDataWorkspaceBytes(
      CallSite at,
      cudnnHandle h,
      cudnnFilterDescriptor w,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor dx,
      int algorithm) {
    long[] bytes = new long[1];
    cudnn(
        at,
        "cudnnGetConvolutionBackwardDataWorkspaceSize",
        JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(h, w, dy, conv, dx, algorithm, bytes));
    return bytes[0];
  }

  long backwardFilterWorkspaceBytes(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnFilterDescriptor dw,
      int algorithm) {
    long[] bytes = new long[1];
    cudnn(
        at,
        "cudnnGetConvolutionBackwardFilterWorkspaceSize",
        JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(
            h, x, dy, conv, dw, algorithm, bytes));
    return bytes[0];
  }

  // ---- convolution --------------------------------------------------------------------------

  void convolutionForward(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor xDesc,
      Pointer x,
      cudnnFilterDescriptor wDesc,
      Pointer w,
      cudnnConvolutionDescriptor conv,
      int algorithm,
      Pointer workspace,
      long workspaceBytes,
      cudnnTensorDescriptor yDesc,
      Pointer y) {
    cudnn(
        at,
        "cudnnConvolutionForward",
        JCudnn.cudnnConvolutionForward(
            h,
            Scalars.ONE,
            xDesc,
            x,
            wDesc,
            w,
            conv,
            algorithm,
            workspace,
            workspaceBytes,
            Scalars.ZERO,
            yDesc,
            y));
  }

  void convolutionBackwardData(
      CallSite at,
      cudnnHandle h,
      cudnnFilterDescriptor wDesc,
      Pointer w,
      cudnnTensorDescriptor dyDesc,
      Pointer dy,
      cudnnConvolutionDescriptor conv,
      int algorithm,
      Pointer workspace,
      long workspaceBytes,
      cudnnTensorDescriptor dxDesc,
      Pointer dx) {
    cudnn(
        at,
        "cudnnConvolutionBackwardData",
        JCudnn.cudnnConvolutionBackwardData(
            h,
            Scalars.ONE,
            wDesc,
            w,
            dyDesc,
            dy,
            conv,
            algorithm,
            workspace,
            workspaceBytes,
            Scalars.ZERO,
            dxDesc,
            dx));
  }

  void convolutionBackwardFilter(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor xDesc,
      Pointer x,
      cudnnTensorDescriptor dyDesc,
      Pointer dy,
      cudnnConvolutionDescriptor conv,
      int algorithm,
      Pointer workspace,
      long workspaceBytes,
      cudnnFilterDescriptor dwDesc,
      Pointer dw) {
    cudnn(
        at,
        "cudnnConvolutionBackwardFilter",
        JCudnn.cudnnConvolutionBackwardFilter(
            h,
            Scalars.ONE,
            xDesc,
            x,
            dyDesc,
            dy,
            conv,
            algorithm,
            workspace,
            workspaceBytes,
            Scalars.ZERO,
            dwDesc,
            dw));
  }

  /** db = sum of dy over n, h, w (overwrites db). */
  void convolutionBackwardBias(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor dyDesc,
      Pointer dy,
      cudnnTensorDescriptor dbDesc,
      Pointer db) {
    cudnn(
        at,
        "cudnnConvolutionBackwardBias",
        JCudnn.cudnnConvolutionBackwardBias(h, Scalars.ONE, dyDesc, dy, Scalars.ZERO, dbDesc, db));
  }

  /** y += b, broadcasting b over the dimensions where its descriptor has size 1. */
  void addTensor(
      CallSite at,
      cudnnHandle h,
      cudnnTensorDescriptor bDesc,
      Pointer b,
      cudnnTensorDescriptor yDesc,
      Pointer y) {
    cudnn(
        at,
        "cudnnAddTensor",
        JCudnn.cudnnAddTensor(h, Scalars.ONE, bDesc, b, Scalars.ONE, yDesc, y));
  }

  // ---- pooling, activation, softmax, LRN ------------------------------------------------------

  cudnnPoolingDescriptor createPoolingDescriptor(CallSite at) {
    cudnnPoolingDescriptor d = new cudnnPoolingDescriptor();
    cudnn(at, "cudnnCreatePoolingDescriptor", JCudnn.cudnnCreatePoolingDescriptor(d));
    return d;
  }

  void setPooling2d(
      CallSite at,
      cudnnPoolingDescriptor d,
      int mode,
      int windowH,
      int windowW,
      int padH,
      int padW,
      int strideH,
      int strideW) {
    cudnn(
        at,
        "cudnnSetPooling2dDescriptor",
        JCudnn.cudnnSetPooling2dDescriptor(
            d,
            mode,
            jcuda.jcudnn.cudnnNanPropagation.CUDNN_PROPAGATE_NAN,
            windowH,
            windowW,
            padH,
            padW,
            strideH,
            strideW));
  }

  void destroyPoolingDescriptor(CallSite at, cudnnPoolingDescriptor d) {
    cudnn(at, "cudnnDestroyPoolingDescriptor", JCudnn.cudnnDestroyPoolingDescriptor(d));
  }

  void poolingForward(
      CallSite at,
      cudnnHandle h,
      cudnnPoolingDescriptor pool,
      cudnnTensorDescriptor xDesc,
      Pointer x,
      cudnnTensorDescriptor yDesc,
      Pointer y) {
    cudnn(
        at,
        "cudnnPoolingForward",
        JCudnn.cudnnPoolingForward(h, pool, Scalars.ONE, xDesc, x, Scalars.ZERO, yDesc, y));
  }

  void poolingBackward(
      CallSite at,
      cudnnHandle h,
      cudnnPoolingDescriptor pool,
      cudnnTensorDescriptor yDesc,
      Pointer y,
      Pointer dy,
      cudnnTensorDescriptor xDesc,
      Pointer x,
      Pointer dx) {
    cudnn(
        at,
        "cudnnPoolingBackward",
        JCudnn.cudnnPoolingBackward(
            h, pool, Scalars.ONE, yDesc, y, yDesc, dy, xDesc, x, Scalars.ZERO, xDesc, dx));
  }

  cudnnActivationDescriptor createReluDescriptor(CallSite at) {
    return createActivationDescriptor(
        at, jcuda.jcudnn.cudnnActivationMode.CUDNN_ACTIVATION_RELU, 0.0);
  }

  /**
   * An activation descriptor of {@code mode} (a {@code cudnnActivationMode}) with {@code coef}
   * (ELU's alpha, clipped ReLU's ceiling; ignored by the others).
   */
  cudnnActivationDescriptor createActivationDescriptor(CallSite at, int mode, double coef) {
    cudnnActivationDescriptor d = new cudnnActivationDescriptor();
    cudnn(at, "cudnnCreateActivationDescriptor", JCudnn.cudnnCreateActivationDescriptor(d));
    // NaN propagates: a NaN must reach the trainer's non-finite check, not turn into 0.
    int status =
        JCudnn.cudnnSetActivationDescriptor(
            d, mode, jcuda.jcudnn.cudnnNanPropagation.CUDNN_PROPAGATE_NAN, coef);
    if (status != jcuda.jcudnn.cudnnStatus.CUDNN_STATUS_SUCCESS) {
      destroyActivationDescriptor(at, d);
    }
    cudnn(at, "cudnnSetActivationDescriptor", status);
    return d;
  }

  void destroyActivationDescriptor(CallSite at, cudnnActivationDescriptor d) {
    cudnn(at, "cudnnDestroyActivationDescriptor", JCudnn.cudnnDestroyActivationDescriptor(d));
  }

  void activationForward(
      CallSite at,
      cudnnHandle h,
      cudnnActivationDescriptor act,
      cudnnTensorDescriptor desc,
      Pointer x,
      Pointer y) {
    cudnn(
        at,
        "cudnnActivationForward",
        JCudnn.cudnnActivationForward(h, act, Scalars.ONE, desc, x, Scalars.ZERO, desc, y));
  }

  void activationBackward(
      CallSite at,
      cudnnHandle h,
      cudnnActivationDescriptor act,
      cudnnTensorDescriptor desc,
      Pointer y,
      Pointer dy,
      Pointer x,
      Pointer dx) {
    cudnn(
        at,
        "cudnnActivationBackward",
        JCudnn.cudnnActivationBackward(
            h, act, Scalars.ONE, desc, y, desc, dy, desc, x, Scalars.ZERO, desc, dx));
  }

  /** Softmax (or log-softmax) of each sample over its C x H x W values. */
  void softmaxForward(
      CallSite at, cudnnHandle h, int algorithm, cudnnTensorDescriptor desc, Pointer x, Pointer y) {
    cudnn(
        at,
        "cudnnSoftmaxForward",
        JCudnn.cudnnSoftmaxForward(
            h,
            algorithm,
            jcuda.jcudnn.cudnnSoftmaxMode.CUDNN_SOFTMAX_MODE_INSTANCE,
            Scalars.ONE,
            desc,
            x,
            Scalars.ZERO,
            desc,
            y));
  }

  cudnnLRNDescriptor createLrnDescriptor(CallSite at) {
    cudnnLRNDescriptor d = new cudnnLRNDescriptor();
    cudnn(at, "cudnnCreateLRNDescriptor", JCudnn.cudnnCreateLRNDescriptor(d));
    return d;
  }

  /** cuDNN's parameters: its alpha is divided by n inside cuDNN. */
  void setLrn(CallSite at, cudnnLRNDescriptor d, int n, double alpha, double beta, double k) {
    cudnn(
        at,
        "cudnnSetLRNDescriptor(n=" + n + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k + ")",
        JCudnn.cudnnSetLRNDescriptor(d, n, alpha, beta, k));
  }

  void destroyLrnDescriptor(CallSite at, cudnnLRNDescriptor d) {
    cudnn(at, "cudnnDestroyLRNDescriptor", JCudnn.cudnnDestroyLRNDescriptor(d));
  }

  void lrnForward(
      CallSite at,
      cudnnHandle h,
      cudnnLRNDescriptor lrn,
      cudnnTensorDescriptor desc,
      Pointer x,
      Pointer y) {
    cudnn(
        at,
        "cudnnLRNCrossChannelForward",
        JCudnn.cudnnLRNCrossChannelForward(
            h,
            lrn,
            jcuda.jcudnn.cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1,
            Scalars.ONE,
            desc,
            x,
            Scalars.ZERO,
            desc,
            y));
  }

  void lrnBackward(
      CallSite at,
      cudnnHandle h,
      cudnnLRNDescriptor lrn,
      cudnnTensorDescriptor desc,
      Pointer y,
      Pointer dy,
      Pointer x,
      Pointer dx) {
    cudnn(
        at,
        "cudnnLRNCrossChannelBackward",
        JCudnn.cudnnLRNCrossChannelBackward(
            h,
            lrn,
            jcuda.jcudnn.cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1,
            Scalars.ONE,
            desc,
            y,
            desc,
            dy,
            desc,
            x,
            Scalars.ZERO,
            desc,
            dx));
  }

  // ---- cuBLAS -------------------------------------------------------------------------------

  cublasHandle createCublas(CallSite at, cudaStream_t stream) {
    cublasHandle h = new cublasHandle();
    cublas(at, "cublasCreate", JCublas2.cublasCreate(h));
    cublas(at, "cublasSetStream", JCublas2.cublasSetStream(h, stream));
    // Scalars (alpha, beta, dot results) live on the host.
    cublas(
        at,
        "cublasSetPointerMode",
        JCublas2.cublasSetPointerMode(h, jcuda.jcublas.cublasPointerMode.CUBLAS_POINTER_MODE_HOST));
    return h;
  }

  void destroyCublas(CallSite at, cublasHandle h) {
    cublas(at, "cublasDestroy", JCublas2.cublasDestroy(h));
  }

  /** C = A op B in cuBLAS's column-major terms; beta = 0 (C is overwritten). */
  void sgemm(
      CallSite at,
      cublasHandle h,
      int transA,
      int transB,
      int m,
      int n,
      int k,
      Pointer a,
      int lda,
      Pointer b,
      int ldb,
      Pointer c,
      int ldc) {
    cublas(
        at,
        "cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ")",
        JCublas2.cublasSgemm(
            h, transA, transB, m, n, k, Scalars.ONE, a, lda, b, ldb, Scalars.ZERO, c, ldc));
  }

  void saxpy(CallSite at, cublasHandle h, int n, float alpha, Pointer x, Pointer y) {
    cublas(
        at, "cublasSaxpy", JCublas2.cublasSaxpy(h, n, Pointer.to(new float[] {alpha}), x, 1, y, 1));
  }

  void sscal(CallSite at, cublasHandle h, int n, float alpha, Pointer x) {
    cublas(at, "cublasSscal", JCublas2.cublasSscal(h, n, Pointer.to(new float[] {alpha}), x, 1));
  }

  /** x . y, returned to the host (synchronises the stream). */
  float sdot(CallSite at, cublasHandle h, int n, Pointer x, Pointer y) {
    float[] result = new float[1];
    cublas(at, "cublasSdot", JCublas2.cublasSdot(h, n, x, 1, y, 1, Pointer.to(result)));
    return result[0];
  }

  // ---- NVRTC and the driver API (our own kernels) --------------------------------------------

  /** Compiles CUDA C to PTX; a compile error carries NVRTC's log. */
  String compileToPtx(CallSite at, String source, String name, String[] options) {
    return compile(
        at,
        source,
        name,
        options,
        program -> {
          String[] ptx = new String[1];
          nvrtc(at, "nvrtcGetPTX", JNvrtc.nvrtcGetPTX(program, ptx));
          return ptx[0];
        });
  }

  /**
   * Compiles CUDA C to a cubin, machine code the driver loads without JIT-compiling it (so a driver
   * older than NVRTC loads it too); the options must name a real architecture ({@code sm_XY}).
   * Empty when NVRTC made none: NVIDIA documents a cubin size of 0 for a virtual architecture.
   */
  byte[] compileToCubin(CallSite at, String source, String name, String[] options) {
    return compile(
        at,
        source,
        name,
        options,
        program -> {
          long[] size = new long[1];
          nvrtc(at, "nvrtcGetCUBINSize", JNvrtc.nvrtcGetCUBINSize(program, size));
          byte[] cubin = new byte[Math.toIntExact(size[0])];
          if (cubin.length > 0) {
            nvrtc(at, "nvrtcGetCUBIN", JNvrtc.nvrtcGetCUBIN(program, cubin));
          }
          return cubin;
        });
  }

  /** Creates, compiles, reads the {@code output} of and destroys one NVRTC program. */
  private static <T> T compile(
      CallSite at,
      String source,
      String name,
      String[] options,
      java.util.function.Function<nvrtcProgram, T> output) {
    nvrtcProgram program = new nvrtcProgram();
    nvrtc(
        at, "nvrtcCreateProgram", JNvrtc.nvrtcCreateProgram(program, source, name, 0, null, null));
    try {
      int status = JNvrtc.nvrtcCompileProgram(program, options.length, options);
      if (status != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(program, log);
        throw new NativeCallException(
            "nvrtcCompileProgram(" + name + ")",
            nvrtcResult.stringFor(status),
            status,
            at,
            "compile log: " + log[0]);
      }
      return output.apply(program);
    } finally {
      JNvrtc.nvrtcDestroyProgram(program);
    }
  }

  /** The virtual architectures NVRTC can compile for, e.g. [52, ..., 86], or empty if unknown. */
  int[] nvrtcArchitectures(CallSite at) {
    int[] count = new int[1];
    if (JNvrtc.nvrtcGetNumSupportedArchs(count) != nvrtcResult.NVRTC_SUCCESS) {
      return new int[0];
    }
    int[] archs = new int[count[0]];
    nvrtc(at, "nvrtcGetSupportedArchs", JNvrtc.nvrtcGetSupportedArchs(archs));
    return archs;
  }

  /** Loads PTX into the current context (the device's primary context the runtime made). */
  CUmodule loadModule(CallSite at, String ptx) {
    driver(at, "cuInit", JCudaDriver.cuInit(0));
    CUmodule module = new CUmodule();
    driver(at, "cuModuleLoadData", JCudaDriver.cuModuleLoadData(module, ptx));
    return module;
  }

  /** Loads a cubin into the current context; the driver refuses one this GPU cannot run. */
  CUmodule loadModule(CallSite at, byte[] cubin) {
    driver(at, "cuInit", JCudaDriver.cuInit(0));
    CUmodule module = new CUmodule();
    driver(at, "cuModuleLoadData(cubin)", JCudaDriver.cuModuleLoadData(module, cubin));
    return module;
  }

  CUfunction function(CallSite at, CUmodule module, String name) {
    CUfunction f = new CUfunction();
    driver(
        at, "cuModuleGetFunction(" + name + ")", JCudaDriver.cuModuleGetFunction(f, module, name));
    return f;
  }

  void unloadModule(CallSite at, CUmodule module) {
    driver(at, "cuModuleUnload", JCudaDriver.cuModuleUnload(module));
  }

  /**
   * Launches a 1-D grid on the stream. {@code arguments} are the kernel's parameters in order:
   * {@link Pointer} for device pointers, {@link Integer} for int, {@link Float} for float.
   */
  void launch(
      CallSite at,
      String kernel,
      CUfunction function,
      int gridX,
      int blockX,
      cudaStream_t stream,
      List<Object> arguments) {
    NativePointerObject[] packed = new NativePointerObject[arguments.size()];
    for (int i = 0; i < packed.length; i++) {
      Object a = arguments.get(i);
      if (a instanceof Pointer p) {
        packed[i] = Pointer.to(p);
      } else if (a instanceof Integer v) {
        packed[i] = Pointer.to(new int[] {v});
      } else if (a instanceof Float v) {
        packed[i] = Pointer.to(new float[] {v});
      } else {
        throw new IllegalArgumentException(
            at + ": kernel " + kernel + " argument " + i + " has unsupported type " + a);
      }
    }
    driver(
        at,
        "cuLaunchKernel(" + kernel + ")",
        JCudaDriver.cuLaunchKernel(
            function,
            gridX,
            1,
            1,
            blockX,
            1,
            1,
            0,
            new CUstream(stream),
            Pointer.to(packed),
            null));
  }

  // ---- status checks ------------------------------------------------------------------------

  static void cuda(CallSite at, String call, int status) {
    if (status != cudaError.cudaSuccess) {
      throw new NativeCallException(
          call, cudaError.stringFor(status), status, at, StatusHints.cuda(status));
    }
  }

  /** The status is named by the loaded cuDNN, whose numbers depend on its version. */
  static void cudnn(CallSite at, String call, int status) {
    cudnn(at, call, status, StatusNames.LOADED);
  }

  static void cudnn(CallSite at, String call, int status, StatusNames names) {
    // Success is 0 in cuDNN 8 and 9 alike.
    if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
      String name = names.cudnn(status);
      throw new NativeCallException(call, name, status, at, StatusHints.cudnn(name));
    }
  }

  /** The status is named by the loaded cuBLAS. */
  static void cublas(CallSite at, String call, int status) {
    cublas(at, call, status, StatusNames.LOADED);
  }

  static void cublas(CallSite at, String call, int status, StatusNames names) {
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      String name = names.cublas(status);
      throw new NativeCallException(call, name, status, at, StatusHints.cublas(name));
    }
  }

  static void nvrtc(CallSite at, String call, int status) {
    if (status != nvrtcResult.NVRTC_SUCCESS) {
      throw new NativeCallException(call, nvrtcResult.stringFor(status), status, at, "");
    }
  }

  static void driver(CallSite at, String call, int status) {
    if (status != CUresult.CUDA_SUCCESS) {
      throw new NativeCallException(
          call, CUresult.stringFor(status), status, at, StatusHints.driver(status));
    }
  }

  static long floatBytes(long elements) {
    return elements * FLOAT_BYTES;
  }
}
