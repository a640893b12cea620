package dev.alexnet4j.backend.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import jcuda.Pointer;
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
import jcuda.runtime.cudaStream_t;

/**
 * The one checked boundary for cuDNN (JCudnn): the handle, descriptors, convolution and its
 * algorithms, pooling, activations, softmax and LRN: every such call of this backend goes through
 * here, every status is checked, and a failure becomes a {@link NativeCallException} naming the
 * call, the status, the device and the layer. Reached through {@link CudaCalls}; tests mock it.
 */
class CudnnCalls {
  /** Loads JCudnn natives, which need {@code libcudnn.so.8}. */
  void loadCudnn() {
    JCudnn.setExceptionsEnabled(false);
  }

  long cudnnVersion() {
    return JCudnn.cudnnGetVersion();
  }

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

  /** The most algorithms a query returns (cuDNN has fewer of each kind). */
  private static final int MAX_ALGORITHMS = 16;

  List<AlgorithmCandidate> forwardAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnFilterDescriptor w,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor y) {
    return algorithms(
        at,
        measure,
        "Forward",
        new cudnnConvolutionFwdAlgoPerf[MAX_ALGORITHMS],
        cudnnConvolutionFwdAlgoPerf::new,
        (n, perf) ->
            JCudnn.cudnnFindConvolutionForwardAlgorithm(h, x, w, conv, y, MAX_ALGORITHMS, n, perf),
        (n, perf) ->
            JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(
                h, x, w, conv, y, MAX_ALGORITHMS, n, perf),
        p -> candidate(p.algo, p.status, p.time, p.memory, p.determinism));
  }

  List<AlgorithmCandidate> backwardDataAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnFilterDescriptor w,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnTensorDescriptor dx) {
    return algorithms(
        at,
        measure,
        "BackwardData",
        new cudnnConvolutionBwdDataAlgoPerf[MAX_ALGORITHMS],
        cudnnConvolutionBwdDataAlgoPerf::new,
        (n, perf) ->
            JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(
                h, w, dy, conv, dx, MAX_ALGORITHMS, n, perf),
        (n, perf) ->
            JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(
                h, w, dy, conv, dx, MAX_ALGORITHMS, n, perf),
        p -> candidate(p.algo, p.status, p.time, p.memory, p.determinism));
  }

  List<AlgorithmCandidate> backwardFilterAlgorithms(
      CallSite at,
      boolean measure,
      cudnnHandle h,
      cudnnTensorDescriptor x,
      cudnnTensorDescriptor dy,
      cudnnConvolutionDescriptor conv,
      cudnnFilterDescriptor dw) {
    return algorithms(
        at,
        measure,
        "BackwardFilter",
        new cudnnConvolutionBwdFilterAlgoPerf[MAX_ALGORITHMS],
        cudnnConvolutionBwdFilterAlgoPerf::new,
        (n, perf) ->
            JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(
                h, x, dy, conv, dw, MAX_ALGORITHMS, n, perf),
        (n, perf) ->
            JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                h, x, dy, conv, dw, MAX_ALGORITHMS, n, perf),
        p -> candidate(p.algo, p.status, p.time, p.memory, p.determinism));
  }

  /** One of cuDNN's algorithm queries: fills {@code perf} and the count returned. */
  @FunctionalInterface
  private interface AlgorithmQuery<P> {
    int call(int[] returned, P[] perf);
  }

  /**
   * The one algorithm query behind the three: {@code cudnnFindConvolution<pass>Algorithm} (runs
   * each algorithm) when {@code measure}, else {@code cudnnGetConvolution<pass>Algorithm_v7}
   * (heuristics), each result as a candidate, best first.
   */
  private static <P> List<AlgorithmCandidate> algorithms(
      CallSite at,
      boolean measure,
      String pass,
      P[] perf,
      Supplier<P> fresh,
      AlgorithmQuery<P> find,
      AlgorithmQuery<P> get,
      Function<P, AlgorithmCandidate> candidate) {
    for (int i = 0; i < perf.length; i++) {
      perf[i] = fresh.get();
    }
    int[] returned = new int[1];
    if (measure) {
      cudnn(at, "cudnnFindConvolution" + pass + "Algorithm", find.call(returned, perf));
    } else {
      cudnn(at, "cudnnGetConvolution" + pass + "Algorithm_v7", get.call(returned, perf));
    }
    List<AlgorithmCandidate> out = new ArrayList<>();
    for (int i = 0; i < returned[0]; i++) {
      out.add(candidate.apply(perf[i]));
    }
    return out;
  }

  private static AlgorithmCandidate candidate(
      int algorithm, int status, float time, long memory, int determinism) {
    return new AlgorithmCandidate(
        algorithm, status, time, memory, determinism == cudnnDeterminism.CUDNN_DETERMINISTIC);
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
}
