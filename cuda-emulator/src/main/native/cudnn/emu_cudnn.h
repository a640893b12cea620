// The emulated cuDNN 8 (libcudnn.so.8): the C ABI that JCudnn 11.7.0's natives call, and the
// descriptor records behind its opaque handles. A test fixture (see core/emu_core.h): numerics are
// straightforward double-accumulated loops on the host, run synchronously at enqueue.
//
// Enum values and struct layouts follow cuDNN 8.4's public ABI (cudnn_ops_infer.h,
// cudnn_cnn_infer.h, cudnn_cnn_train.h), as JCudnn's constant classes (jcuda.jcudnn.cudnnStatus,
// cudnnDataType, ...) number them. Written here from those numbers, not copied from NVIDIA's headers.
#ifndef ALEXNET4J_EMU_CUDNN_H
#define ALEXNET4J_EMU_CUDNN_H

#include <stddef.h>

#include "emu_core.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---- version ----------------------------------------------------------------------------------

// The cuDNN JCudnn 11.7.0 was built against: 8.4.1 (JCudnn.CUDNN_VERSION = 8401).
#define EMU_CUDNN_MAJOR 8
#define EMU_CUDNN_MINOR 4
#define EMU_CUDNN_PATCH 1
#define EMU_CUDNN_VERSION (EMU_CUDNN_MAJOR * 1000 + EMU_CUDNN_MINOR * 100 + EMU_CUDNN_PATCH)
#define EMU_CUDNN_CUDART_VERSION 11070

// ---- enums (int-sized in the C ABI) -------------------------------------------------------------

typedef enum {
  CUDNN_STATUS_SUCCESS = 0,
  CUDNN_STATUS_NOT_INITIALIZED = 1,
  CUDNN_STATUS_ALLOC_FAILED = 2,
  CUDNN_STATUS_BAD_PARAM = 3,
  CUDNN_STATUS_INTERNAL_ERROR = 4,
  CUDNN_STATUS_INVALID_VALUE = 5,
  CUDNN_STATUS_ARCH_MISMATCH = 6,
  CUDNN_STATUS_MAPPING_ERROR = 7,
  CUDNN_STATUS_EXECUTION_FAILED = 8,
  CUDNN_STATUS_NOT_SUPPORTED = 9,
  CUDNN_STATUS_LICENSE_ERROR = 10,
  CUDNN_STATUS_RUNTIME_PREREQUISITE_MISSING = 11,
  CUDNN_STATUS_RUNTIME_IN_PROGRESS = 12,
  CUDNN_STATUS_RUNTIME_FP_OVERFLOW = 13,
  CUDNN_STATUS_VERSION_MISMATCH = 14
} cudnnStatus_t;

typedef enum {
  CUDNN_DATA_FLOAT = 0,
  CUDNN_DATA_DOUBLE = 1,
  CUDNN_DATA_HALF = 2,
  CUDNN_DATA_INT8 = 3,
  CUDNN_DATA_INT32 = 4,
  CUDNN_DATA_INT8x4 = 5,
  CUDNN_DATA_UINT8 = 6,
  CUDNN_DATA_UINT8x4 = 7,
  CUDNN_DATA_INT8x32 = 8,
  CUDNN_DATA_BFLOAT16 = 9,
  CUDNN_DATA_INT64 = 10
} cudnnDataType_t;

typedef enum { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1, CUDNN_TENSOR_NCHW_VECT_C = 2 } cudnnTensorFormat_t;

typedef enum { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 } cudnnConvolutionMode_t;

typedef enum {
  CUDNN_DEFAULT_MATH = 0,
  CUDNN_TENSOR_OP_MATH = 1,
  CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
  CUDNN_FMA_MATH = 3
} cudnnMathType_t;

typedef enum { CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1 } cudnnDeterminism_t;

typedef enum { CUDNN_NOT_PROPAGATE_NAN = 0, CUDNN_PROPAGATE_NAN = 1 } cudnnNanPropagation_t;

typedef enum {
  CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0,
  CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
  CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2,
  CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3,
  CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4,
  CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5,
  CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6,
  CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7,
  CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8
} cudnnConvolutionFwdAlgo_t;

typedef enum {
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING = 3,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD = 4,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED = 5,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6
} cudnnConvolutionBwdDataAlgo_t;

typedef enum {
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD = 4,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED = 5,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING = 6,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7
} cudnnConvolutionBwdFilterAlgo_t;

typedef enum { CUDNN_LRN_CROSS_CHANNEL_DIM1 = 0 } cudnnLRNMode_t;
// cuDNN's LRN limits (CUDNN_LRN_MIN_N, _MAX_N, _MIN_K, _MIN_BETA).
#define CUDNN_LRN_MIN_N 1
#define CUDNN_LRN_MAX_N 16
#define CUDNN_LRN_MIN_K 1e-5
#define CUDNN_LRN_MIN_BETA 0.01

typedef enum {
  CUDNN_POOLING_MAX = 0,
  CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1,
  CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2,
  CUDNN_POOLING_MAX_DETERMINISTIC = 3
} cudnnPoolingMode_t;

typedef enum {
  CUDNN_ACTIVATION_SIGMOID = 0,
  CUDNN_ACTIVATION_RELU = 1,
  CUDNN_ACTIVATION_TANH = 2,
  CUDNN_ACTIVATION_CLIPPED_RELU = 3,
  CUDNN_ACTIVATION_ELU = 4,
  CUDNN_ACTIVATION_IDENTITY = 5,
  CUDNN_ACTIVATION_SWISH = 6
} cudnnActivationMode_t;

typedef enum { CUDNN_SOFTMAX_FAST = 0, CUDNN_SOFTMAX_ACCURATE = 1, CUDNN_SOFTMAX_LOG = 2 } cudnnSoftmaxAlgorithm_t;
typedef enum { CUDNN_SOFTMAX_MODE_INSTANCE = 0, CUDNN_SOFTMAX_MODE_CHANNEL = 1 } cudnnSoftmaxMode_t;

// libraryPropertyType (library_types.h).
typedef enum { EMU_MAJOR_VERSION = 0, EMU_MINOR_VERSION = 1, EMU_PATCH_LEVEL = 2 } emu_libraryPropertyType;

// ---- algorithm performance records (cuDNN 8 layout: 48 bytes, read field by field by JCudnn) ---

typedef struct {
  cudnnConvolutionFwdAlgo_t algo;
  cudnnStatus_t status;
  float time;  // milliseconds
  size_t memory;  // workspace bytes
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
} cudnnConvolutionFwdAlgoPerf_t;

typedef struct {
  cudnnConvolutionBwdDataAlgo_t algo;
  cudnnStatus_t status;
  float time;
  size_t memory;
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
} cudnnConvolutionBwdDataAlgoPerf_t;

typedef struct {
  cudnnConvolutionBwdFilterAlgo_t algo;
  cudnnStatus_t status;
  float time;
  size_t memory;
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
} cudnnConvolutionBwdFilterAlgoPerf_t;

// ---- opaque handles: our records --------------------------------------------------------------

// A library handle, bound to the device current at cudnnCreate.
typedef struct emu_cudnn_context {
  int device;
  emu_stream* stream;  // NULL: the device's default stream
} emu_cudnn_context;

// A 4-d tensor: dims and element strides.
typedef struct emu_cudnn_tensor {
  int set;
  cudnnDataType_t data_type;
  int n, c, h, w;
  int ns, cs, hs, ws;
} emu_cudnn_tensor;

typedef struct emu_cudnn_filter {
  int set;
  cudnnDataType_t data_type;
  cudnnTensorFormat_t format;
  int k, c, h, w;
} emu_cudnn_filter;

typedef struct emu_cudnn_convolution {
  int set;
  int pad_h, pad_w, stride_h, stride_w, dilation_h, dilation_w;
  cudnnConvolutionMode_t mode;
  cudnnDataType_t compute_type;
  int groups;  // 1 until set
  cudnnMathType_t math_type;  // CUDNN_DEFAULT_MATH until set
} emu_cudnn_convolution;

typedef struct emu_cudnn_lrn {
  unsigned n;  // cuDNN's defaults at creation: 5, 1e-4, 0.75, 2.0
  double alpha, beta, k;
} emu_cudnn_lrn;

typedef struct emu_cudnn_pooling {
  int set;
  cudnnPoolingMode_t mode;
  cudnnNanPropagation_t nan_opt;
  int window_h, window_w, pad_h, pad_w, stride_h, stride_w;
} emu_cudnn_pooling;

typedef struct emu_cudnn_activation {
  int set;
  cudnnActivationMode_t mode;
  cudnnNanPropagation_t nan_opt;
  double coef;
} emu_cudnn_activation;

typedef emu_cudnn_context* cudnnHandle_t;
typedef emu_cudnn_tensor* cudnnTensorDescriptor_t;
typedef emu_cudnn_filter* cudnnFilterDescriptor_t;
typedef emu_cudnn_convolution* cudnnConvolutionDescriptor_t;
typedef emu_cudnn_lrn* cudnnLRNDescriptor_t;
typedef emu_cudnn_pooling* cudnnPoolingDescriptor_t;
typedef emu_cudnn_activation* cudnnActivationDescriptor_t;
// The runtime's cudaStream_t is the core's emu_stream (NULL: the legacy default stream).
typedef emu_stream* emu_cudnn_stream;

// ---- the API ------------------------------------------------------------------------------------

EMU_EXPORT size_t cudnnGetVersion(void);
EMU_EXPORT size_t cudnnGetCudartVersion(void);
EMU_EXPORT const char* cudnnGetErrorString(cudnnStatus_t status);
EMU_EXPORT cudnnStatus_t cudnnGetProperty(emu_libraryPropertyType type, int* value);

EMU_EXPORT cudnnStatus_t cudnnCreate(cudnnHandle_t* handle);
EMU_EXPORT cudnnStatus_t cudnnDestroy(cudnnHandle_t handle);
EMU_EXPORT cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, emu_cudnn_stream stream);
EMU_EXPORT cudnnStatus_t cudnnGetStream(cudnnHandle_t handle, emu_cudnn_stream* stream);

EMU_EXPORT cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t desc, cudnnTensorFormat_t format,
                                                    cudnnDataType_t dataType, int n, int c, int h, int w);
EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t desc, cudnnDataType_t dataType,
                                                      int n, int c, int h, int w, int nStride, int cStride,
                                                      int hStride, int wStride);
EMU_EXPORT cudnnStatus_t cudnnGetTensor4dDescriptor(const cudnnTensorDescriptor_t desc, cudnnDataType_t* dataType,
                                                    int* n, int* c, int* h, int* w, int* nStride, int* cStride,
                                                    int* hStride, int* wStride);
EMU_EXPORT cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc);

EMU_EXPORT cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t desc, cudnnDataType_t dataType,
                                                    cudnnTensorFormat_t format, int k, int c, int h, int w);
EMU_EXPORT cudnnStatus_t cudnnGetFilter4dDescriptor(const cudnnFilterDescriptor_t desc, cudnnDataType_t* dataType,
                                                    cudnnTensorFormat_t* format, int* k, int* c, int* h, int* w);
EMU_EXPORT cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t desc);

EMU_EXPORT cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t desc, int pad_h, int pad_w,
                                                         int u, int v, int dilation_h, int dilation_w,
                                                         cudnnConvolutionMode_t mode,
                                                         cudnnDataType_t computeType);
EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dDescriptor(const cudnnConvolutionDescriptor_t desc, int* pad_h,
                                                         int* pad_w, int* u, int* v, int* dilation_h,
                                                         int* dilation_w, cudnnConvolutionMode_t* mode,
                                                         cudnnDataType_t* computeType);
EMU_EXPORT cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc, int groupCount);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc, int* groupCount);
EMU_EXPORT cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t desc, cudnnMathType_t mathType);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionMathType(cudnnConvolutionDescriptor_t desc, cudnnMathType_t* mathType);
EMU_EXPORT cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t desc);
EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc,
                                                               const cudnnTensorDescriptor_t inputTensorDesc,
                                                               const cudnnFilterDescriptor_t filterDesc, int* n,
                                                               int* c, int* h, int* w);

EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithmMaxCount(cudnnHandle_t handle, int* count);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithmMaxCount(cudnnHandle_t handle, int* count);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(cudnnHandle_t handle, int* count);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults);
EMU_EXPORT cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults);
EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults);
EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults);

EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, cudnnConvolutionFwdAlgo_t algo,
    size_t* sizeInBytes);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    cudnnConvolutionBwdDataAlgo_t algo, size_t* sizeInBytes);
EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    cudnnConvolutionBwdFilterAlgo_t algo, size_t* sizeInBytes);

EMU_EXPORT cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha,
                                                 const cudnnTensorDescriptor_t xDesc, const void* x,
                                                 const cudnnFilterDescriptor_t wDesc, const void* w,
                                                 const cudnnConvolutionDescriptor_t convDesc,
                                                 cudnnConvolutionFwdAlgo_t algo, void* workSpace,
                                                 size_t workSpaceSizeInBytes, const void* beta,
                                                 const cudnnTensorDescriptor_t yDesc, void* y);
EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha,
                                                      const cudnnFilterDescriptor_t wDesc, const void* w,
                                                      const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                      const cudnnConvolutionDescriptor_t convDesc,
                                                      cudnnConvolutionBwdDataAlgo_t algo, void* workSpace,
                                                      size_t workSpaceSizeInBytes, const void* beta,
                                                      const cudnnTensorDescriptor_t dxDesc, void* dx);
EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void* alpha,
                                                        const cudnnTensorDescriptor_t xDesc, const void* x,
                                                        const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                        const cudnnConvolutionDescriptor_t convDesc,
                                                        cudnnConvolutionBwdFilterAlgo_t algo, void* workSpace,
                                                        size_t workSpaceSizeInBytes, const void* beta,
                                                        const cudnnFilterDescriptor_t dwDesc, void* dw);
EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void* alpha,
                                                      const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                      const void* beta, const cudnnTensorDescriptor_t dbDesc,
                                                      void* db);
EMU_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t aDesc,
                                        const void* A, const void* beta, const cudnnTensorDescriptor_t cDesc,
                                        void* C);

EMU_EXPORT cudnnStatus_t cudnnCreateLRNDescriptor(cudnnLRNDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetLRNDescriptor(cudnnLRNDescriptor_t desc, unsigned lrnN, double lrnAlpha,
                                               double lrnBeta, double lrnK);
EMU_EXPORT cudnnStatus_t cudnnGetLRNDescriptor(cudnnLRNDescriptor_t desc, unsigned* lrnN, double* lrnAlpha,
                                               double* lrnBeta, double* lrnK);
EMU_EXPORT cudnnStatus_t cudnnDestroyLRNDescriptor(cudnnLRNDescriptor_t desc);
EMU_EXPORT cudnnStatus_t cudnnLRNCrossChannelForward(cudnnHandle_t handle, cudnnLRNDescriptor_t normDesc,
                                                     cudnnLRNMode_t lrnMode, const void* alpha,
                                                     const cudnnTensorDescriptor_t xDesc, const void* x,
                                                     const void* beta, const cudnnTensorDescriptor_t yDesc, void* y);
EMU_EXPORT cudnnStatus_t cudnnLRNCrossChannelBackward(cudnnHandle_t handle, cudnnLRNDescriptor_t normDesc,
                                                      cudnnLRNMode_t lrnMode, const void* alpha,
                                                      const cudnnTensorDescriptor_t yDesc, const void* y,
                                                      const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                      const cudnnTensorDescriptor_t xDesc, const void* x,
                                                      const void* beta, const cudnnTensorDescriptor_t dxDesc,
                                                      void* dx);

EMU_EXPORT cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t desc, cudnnPoolingMode_t mode,
                                                     cudnnNanPropagation_t maxpoolingNanOpt, int windowHeight,
                                                     int windowWidth, int verticalPadding, int horizontalPadding,
                                                     int verticalStride, int horizontalStride);
EMU_EXPORT cudnnStatus_t cudnnGetPooling2dDescriptor(const cudnnPoolingDescriptor_t desc, cudnnPoolingMode_t* mode,
                                                     cudnnNanPropagation_t* maxpoolingNanOpt, int* windowHeight,
                                                     int* windowWidth, int* verticalPadding, int* horizontalPadding,
                                                     int* verticalStride, int* horizontalStride);
EMU_EXPORT cudnnStatus_t cudnnGetPooling2dForwardOutputDim(const cudnnPoolingDescriptor_t poolingDesc,
                                                           const cudnnTensorDescriptor_t inputTensorDesc, int* n,
                                                           int* c, int* h, int* w);
EMU_EXPORT cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t desc);
EMU_EXPORT cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc,
                                             const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
                                             const void* beta, const cudnnTensorDescriptor_t yDesc, void* y);
EMU_EXPORT cudnnStatus_t cudnnPoolingBackward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc,
                                              const void* alpha, const cudnnTensorDescriptor_t yDesc, const void* y,
                                              const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                              const cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                                              const cudnnTensorDescriptor_t dxDesc, void* dx);

EMU_EXPORT cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* desc);
EMU_EXPORT cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t desc, cudnnActivationMode_t mode,
                                                      cudnnNanPropagation_t reluNanOpt, double coef);
EMU_EXPORT cudnnStatus_t cudnnGetActivationDescriptor(const cudnnActivationDescriptor_t desc,
                                                      cudnnActivationMode_t* mode,
                                                      cudnnNanPropagation_t* reluNanOpt, double* coef);
EMU_EXPORT cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t desc);
EMU_EXPORT cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc,
                                                const void* alpha, const cudnnTensorDescriptor_t xDesc,
                                                const void* x, const void* beta,
                                                const cudnnTensorDescriptor_t yDesc, void* y);
EMU_EXPORT cudnnStatus_t cudnnActivationBackward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc,
                                                 const void* alpha, const cudnnTensorDescriptor_t yDesc,
                                                 const void* y, const cudnnTensorDescriptor_t dyDesc,
                                                 const void* dy, const cudnnTensorDescriptor_t xDesc,
                                                 const void* x, const void* beta,
                                                 const cudnnTensorDescriptor_t dxDesc, void* dx);

EMU_EXPORT cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo,
                                             cudnnSoftmaxMode_t mode, const void* alpha,
                                             const cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                                             const cudnnTensorDescriptor_t yDesc, void* y);
EMU_EXPORT cudnnStatus_t cudnnSoftmaxBackward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo,
                                              cudnnSoftmaxMode_t mode, const void* alpha,
                                              const cudnnTensorDescriptor_t yDesc, const void* y,
                                              const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                              const void* beta, const cudnnTensorDescriptor_t dxDesc, void* dx);

#ifdef __cplusplus
}
#endif

#endif
