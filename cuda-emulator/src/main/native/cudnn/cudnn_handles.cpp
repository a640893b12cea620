// The emulated cuDNN's version queries, library handle and descriptors, with the argument checks
// every call shares.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include <algorithm>
#include <vector>

#include "cudnn_internal.h"

namespace emu_cudnn {

const char* const kHandle = "cudnnHandle_t";
const char* const kTensor = "cudnnTensorDescriptor_t";
const char* const kFilter = "cudnnFilterDescriptor_t";
const char* const kConvolution = "cudnnConvolutionDescriptor_t";
const char* const kLrn = "cudnnLRNDescriptor_t";
const char* const kPooling = "cudnnPoolingDescriptor_t";
const char* const kActivation = "cudnnActivationDescriptor_t";

const char* status_name(cudnnStatus_t status) {
  switch (status) {
    case CUDNN_STATUS_SUCCESS: return "CUDNN_STATUS_SUCCESS";
    case CUDNN_STATUS_NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
    case CUDNN_STATUS_ALLOC_FAILED: return "CUDNN_STATUS_ALLOC_FAILED";
    case CUDNN_STATUS_BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
    case CUDNN_STATUS_INTERNAL_ERROR: return "CUDNN_STATUS_INTERNAL_ERROR";
    case CUDNN_STATUS_INVALID_VALUE: return "CUDNN_STATUS_INVALID_VALUE";
    case CUDNN_STATUS_ARCH_MISMATCH: return "CUDNN_STATUS_ARCH_MISMATCH";
    case CUDNN_STATUS_MAPPING_ERROR: return "CUDNN_STATUS_MAPPING_ERROR";
    case CUDNN_STATUS_EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
    case CUDNN_STATUS_NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
    case CUDNN_STATUS_LICENSE_ERROR: return "CUDNN_STATUS_LICENSE_ERROR";
    case CUDNN_STATUS_RUNTIME_PREREQUISITE_MISSING: return "CUDNN_STATUS_RUNTIME_PREREQUISITE_MISSING";
    case CUDNN_STATUS_RUNTIME_IN_PROGRESS: return "CUDNN_STATUS_RUNTIME_IN_PROGRESS";
    case CUDNN_STATUS_RUNTIME_FP_OVERFLOW: return "CUDNN_STATUS_RUNTIME_FP_OVERFLOW";
    case CUDNN_STATUS_VERSION_MISMATCH: return "CUDNN_STATUS_VERSION_MISMATCH";
  }
  return "CUDNN_STATUS_UNKNOWN";
}

cudnnStatus_t refuse(cudnnStatus_t status, const char* fn, const char* format, ...) {
  char message[768];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  emu_log("cudnn", "%s: %s -> %s", fn, message, status_name(status));
  return status;
}

// The runtime's special stream handles: cudaStreamLegacy (1) and cudaStreamPerThread (2).
static bool special_stream(const emu_stream* stream) {
  uintptr_t v = (uintptr_t)stream;
  return v == 1 || v == 2;
}

cudnnStatus_t begin(const char* fn, cudnnHandle_t handle, Call* call) {
  if (handle == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle is NULL");
  if (!emu_handle_live(kHandle, handle, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle %p is not a live cudnnHandle_t (destroyed or never created)",
                  (void*)handle);
  }
  if (handle->stream != nullptr && !special_stream(handle->stream) && !emu_stream_valid(handle->stream)) {
    return refuse(CUDNN_STATUS_EXECUTION_FAILED, fn, "the handle's stream %p has been destroyed",
                  (void*)handle->stream);
  }
  call->fn = fn;
  call->device = handle->device;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t tensor_arg(const char* fn, const char* arg, cudnnTensorDescriptor_t desc,
                         const emu_cudnn_tensor** out) {
  if (desc == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s descriptor is NULL", arg);
  if (!emu_handle_live(kTensor, desc, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s %p is not a live %s", arg, (void*)desc, kTensor);
  }
  if (!desc->set) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s descriptor was never set", arg);
  if (desc->data_type != CUDNN_DATA_FLOAT) {
    return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn, "%s has data type %d; the emulator computes float only", arg,
                  (int)desc->data_type);
  }
  *out = desc;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t filter_arg(const char* fn, const char* arg, cudnnFilterDescriptor_t desc,
                         const emu_cudnn_filter** out) {
  if (desc == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s descriptor is NULL", arg);
  if (!emu_handle_live(kFilter, desc, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s %p is not a live %s", arg, (void*)desc, kFilter);
  }
  if (!desc->set) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s descriptor was never set", arg);
  if (desc->data_type != CUDNN_DATA_FLOAT || desc->format != CUDNN_TENSOR_NCHW) {
    return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn,
                  "%s has data type %d, format %d; the emulator computes float NCHW filters only", arg,
                  (int)desc->data_type, (int)desc->format);
  }
  *out = desc;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t convolution_arg(const char* fn, cudnnConvolutionDescriptor_t desc,
                              const emu_cudnn_convolution** out) {
  if (desc == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "convolution descriptor is NULL");
  if (!emu_handle_live(kConvolution, desc, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%p is not a live %s", (void*)desc, kConvolution);
  }
  if (!desc->set) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "convolution descriptor was never set");
  *out = desc;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t data_arg(const Call& call, const char* arg, const void* pointer, size_t bytes) {
  if (pointer == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, call.fn, "%s is NULL", arg);
  char what[160];
  snprintf(what, sizeof what, "%s %s", call.fn, arg);
  emu_status s = emu_check_device_range(pointer, bytes, call.device, what);
  if (s != EMU_OK) {
    return refuse(CUDNN_STATUS_EXECUTION_FAILED, call.fn, "%s (%p, %zu bytes) is not usable by device %d: %s", arg,
                  pointer, bytes, call.device, emu_status_text(s));
  }
  return CUDNN_STATUS_SUCCESS;
}

size_t span_bytes(const emu_cudnn_tensor* t) {
  int64_t last = at(t, t->n - 1, t->c - 1, t->h - 1, t->w - 1);
  return (size_t)(last + 1) * sizeof(float);
}

cudnnStatus_t scalars(const Call& call, const void* alpha, const void* beta, float* a, float* b) {
  if (alpha == nullptr || beta == nullptr) {
    return refuse(CUDNN_STATUS_BAD_PARAM, call.fn, "%s is NULL", alpha == nullptr ? "alpha" : "beta");
  }
  char what[160];
  snprintf(what, sizeof what, "%s alpha", call.fn);
  if (emu_check_host_range(alpha, sizeof(float), what) != EMU_OK) {
    return refuse(CUDNN_STATUS_BAD_PARAM, call.fn, "alpha must point to host memory");
  }
  snprintf(what, sizeof what, "%s beta", call.fn);
  if (emu_check_host_range(beta, sizeof(float), what) != EMU_OK) {
    return refuse(CUDNN_STATUS_BAD_PARAM, call.fn, "beta must point to host memory");
  }
  *a = *(const float*)alpha;
  *b = *(const float*)beta;
  return CUDNN_STATUS_SUCCESS;
}

std::string dims(const emu_cudnn_tensor* t) {
  char text[64];
  snprintf(text, sizeof text, "%dx%dx%dx%d", t->n, t->c, t->h, t->w);
  return text;
}

cudnnStatus_t need_same_dims(const char* fn, const char* a_name, const emu_cudnn_tensor* a,
                             const char* b_name, const emu_cudnn_tensor* b) {
  if (same_dims(a, b)) return CUDNN_STATUS_SUCCESS;
  return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s is %s but %s is %s; they must match", a_name, dims(a).c_str(),
                b_name, dims(b).c_str());
}

// Creates a descriptor record and registers it; `kind` names it in leak reports.
template <typename T>
static cudnnStatus_t create(const char* fn, const char* kind, T** out, const T& initial) {
  if (out == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "output pointer is NULL");
  T* d = new T(initial);
  emu_handle_add(kind, d, -1);
  *out = d;
  return CUDNN_STATUS_SUCCESS;
}

template <typename T>
static cudnnStatus_t destroy(const char* fn, const char* kind, T* d) {
  if (d == nullptr) return CUDNN_STATUS_SUCCESS;  // as free(NULL)
  if (emu_handle_remove(kind, d) != 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%p is not a live %s (destroyed twice, or never created)", (void*)d,
                  kind);
  }
  delete d;
  return CUDNN_STATUS_SUCCESS;
}

// A live descriptor of `kind` for a Set/Get call.
template <typename T>
static cudnnStatus_t live(const char* fn, const char* kind, const T* d) {
  if (d == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "descriptor is NULL");
  if (!emu_handle_live(kind, d, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%p is not a live %s", (const void*)d, kind);
  }
  return CUDNN_STATUS_SUCCESS;
}

static bool valid_data_type(int t) { return t >= CUDNN_DATA_FLOAT && t <= CUDNN_DATA_INT64; }

}  // namespace emu_cudnn

using namespace emu_cudnn;

// ---- versions ---------------------------------------------------------------------------------

extern "C" EMU_EXPORT size_t cudnnGetVersion(void) { return EMU_CUDNN_VERSION; }

extern "C" EMU_EXPORT size_t cudnnGetCudartVersion(void) { return EMU_CUDNN_CUDART_VERSION; }

extern "C" EMU_EXPORT const char* cudnnGetErrorString(cudnnStatus_t status) {
  const char* name = status_name(status);
  return name;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetProperty(emu_libraryPropertyType type, int* value) {
  const char* fn = "cudnnGetProperty";
  if (value == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "value is NULL");
  switch (type) {
    case EMU_MAJOR_VERSION: *value = EMU_CUDNN_MAJOR; return CUDNN_STATUS_SUCCESS;
    case EMU_MINOR_VERSION: *value = EMU_CUDNN_MINOR; return CUDNN_STATUS_SUCCESS;
    case EMU_PATCH_LEVEL: *value = EMU_CUDNN_PATCH; return CUDNN_STATUS_SUCCESS;
  }
  return refuse(CUDNN_STATUS_BAD_PARAM, fn, "unknown libraryPropertyType %d", (int)type);
}

// ---- handle -----------------------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
  const char* fn = "cudnnCreate";
  if (handle == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle pointer is NULL");
  int device = emu_current_device();
  if (!emu_device_valid(device)) {
    return refuse(CUDNN_STATUS_NOT_INITIALIZED, fn, "the current device %d does not exist", device);
  }
  emu_cudnn_context* h = new emu_cudnn_context{device, nullptr};
  emu_handle_add(kHandle, h, device);
  *handle = h;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) {
  const char* fn = "cudnnDestroy";
  if (handle == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle is NULL");
  if (emu_handle_remove(kHandle, handle) != 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%p is not a live cudnnHandle_t (destroyed twice?)", (void*)handle);
  }
  delete handle;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, emu_cudnn_stream stream) {
  const char* fn = "cudnnSetStream";
  if (handle == nullptr || !emu_handle_live(kHandle, handle, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle %p is not a live cudnnHandle_t", (void*)handle);
  }
  if (stream != nullptr && !special_stream(stream)) {
    if (!emu_stream_valid(stream)) {
      return refuse(CUDNN_STATUS_BAD_PARAM, fn, "stream %p is not a live stream", (void*)stream);
    }
    int device = emu_stream_device(stream);
    if (device != handle->device) {
      return refuse(CUDNN_STATUS_BAD_PARAM, fn, "stream %p belongs to device %d but the handle to device %d",
                    (void*)stream, device, handle->device);
    }
  }
  handle->stream = stream;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetStream(cudnnHandle_t handle, emu_cudnn_stream* stream) {
  const char* fn = "cudnnGetStream";
  if (handle == nullptr || !emu_handle_live(kHandle, handle, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "handle %p is not a live cudnnHandle_t", (void*)handle);
  }
  if (stream == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "stream pointer is NULL");
  *stream = handle->stream;
  return CUDNN_STATUS_SUCCESS;
}

// ---- tensor descriptors -----------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc) {
  return create("cudnnCreateTensorDescriptor", kTensor, desc, emu_cudnn_tensor{});
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc) {
  return destroy("cudnnDestroyTensorDescriptor", kTensor, desc);
}

static cudnnStatus_t set_tensor(const char* fn, cudnnTensorDescriptor_t desc, cudnnDataType_t type, int n, int c,
                                int h, int w, int ns, int cs, int hs, int ws) {
  EMU_CUDNN_TRY(live(fn, kTensor, desc));
  if (!valid_data_type(type)) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid data type %d", (int)type);
  if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "dimensions %dx%dx%dx%d must all be positive", n, c, h, w);
  }
  if (ns <= 0 || cs <= 0 || hs <= 0 || ws <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "strides %d,%d,%d,%d must all be positive", ns, cs, hs, ws);
  }
  // Strides must not make two elements share memory: ordered by stride, each dimension of size > 1
  // must step past the whole extent of the smaller ones.
  std::vector<std::pair<int64_t, int64_t>> order;  // (stride, dim)
  int dim_values[4] = {n, c, h, w};
  int stride_values[4] = {ns, cs, hs, ws};
  for (int i = 0; i < 4; i++) {
    if (dim_values[i] > 1) order.push_back({stride_values[i], dim_values[i]});
  }
  std::sort(order.begin(), order.end());
  int64_t extent = 1;
  for (const auto& sd : order) {
    if (sd.first < extent) {
      return refuse(CUDNN_STATUS_BAD_PARAM, fn,
                    "strides %d,%d,%d,%d overlap for dimensions %dx%dx%dx%d (two elements would share memory)", ns,
                    cs, hs, ws, n, c, h, w);
    }
    extent = sd.first * sd.second;
  }
  int64_t elements = (int64_t)n * c * h * w;
  int64_t last = (int64_t)(n - 1) * ns + (int64_t)(c - 1) * cs + (int64_t)(h - 1) * hs + (int64_t)(w - 1) * ws;
  if (elements > INT32_MAX || last >= INT32_MAX) {
    return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn, "tensor %dx%dx%dx%d exceeds 2 Giga-elements", n, c, h, w);
  }
  *desc = emu_cudnn_tensor{1, type, n, c, h, w, ns, cs, hs, ws};
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t desc,
                                                                 cudnnDataType_t dataType, int n, int c, int h,
                                                                 int w, int nStride, int cStride, int hStride,
                                                                 int wStride) {
  return set_tensor("cudnnSetTensor4dDescriptorEx", desc, dataType, n, c, h, w, nStride, cStride, hStride,
                    wStride);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t desc,
                                                               cudnnTensorFormat_t format, cudnnDataType_t dataType,
                                                               int n, int c, int h, int w) {
  const char* fn = "cudnnSetTensor4dDescriptor";
  if (format == CUDNN_TENSOR_NCHW) {
    return set_tensor(fn, desc, dataType, n, c, h, w, c * h * w, h * w, w, 1);
  }
  if (format == CUDNN_TENSOR_NHWC) {
    return set_tensor(fn, desc, dataType, n, c, h, w, c * h * w, 1, w * c, c);
  }
  return refuse(CUDNN_STATUS_BAD_PARAM, fn, "format %d is not NCHW or NHWC", (int)format);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetTensor4dDescriptor(const cudnnTensorDescriptor_t desc,
                                                               cudnnDataType_t* dataType, int* n, int* c, int* h,
                                                               int* w, int* nStride, int* cStride, int* hStride,
                                                               int* wStride) {
  const char* fn = "cudnnGetTensor4dDescriptor";
  EMU_CUDNN_TRY(live(fn, kTensor, desc));
  if (!dataType || !n || !c || !h || !w || !nStride || !cStride || !hStride || !wStride) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  }
  *dataType = desc->data_type;
  *n = desc->n, *c = desc->c, *h = desc->h, *w = desc->w;
  *nStride = desc->ns, *cStride = desc->cs, *hStride = desc->hs, *wStride = desc->ws;
  return CUDNN_STATUS_SUCCESS;
}

// ---- filter descriptors -----------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* desc) {
  return create("cudnnCreateFilterDescriptor", kFilter, desc, emu_cudnn_filter{});
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t desc) {
  return destroy("cudnnDestroyFilterDescriptor", kFilter, desc);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t desc,
                                                               cudnnDataType_t dataType, cudnnTensorFormat_t format,
                                                               int k, int c, int h, int w) {
  const char* fn = "cudnnSetFilter4dDescriptor";
  EMU_CUDNN_TRY(live(fn, kFilter, desc));
  if (!valid_data_type(dataType)) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid data type %d", (int)dataType);
  if (format < CUDNN_TENSOR_NCHW || format > CUDNN_TENSOR_NCHW_VECT_C) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid format %d", (int)format);
  }
  if (k <= 0 || c <= 0 || h <= 0 || w <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "dimensions %dx%dx%dx%d must all be positive", k, c, h, w);
  }
  if ((int64_t)k * c * h * w > INT32_MAX) {
    return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn, "filter %dx%dx%dx%d exceeds 2 Giga-elements", k, c, h, w);
  }
  *desc = emu_cudnn_filter{1, dataType, format, k, c, h, w};
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetFilter4dDescriptor(const cudnnFilterDescriptor_t desc,
                                                               cudnnDataType_t* dataType, cudnnTensorFormat_t* format,
                                                               int* k, int* c, int* h, int* w) {
  const char* fn = "cudnnGetFilter4dDescriptor";
  EMU_CUDNN_TRY(live(fn, kFilter, desc));
  if (!dataType || !format || !k || !c || !h || !w) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  }
  *dataType = desc->data_type;
  *format = desc->format;
  *k = desc->k, *c = desc->c, *h = desc->h, *w = desc->w;
  return CUDNN_STATUS_SUCCESS;
}

// ---- convolution descriptors ------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* desc) {
  emu_cudnn_convolution initial{};
  initial.groups = 1;
  initial.math_type = CUDNN_DEFAULT_MATH;
  return create("cudnnCreateConvolutionDescriptor", kConvolution, desc, initial);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t desc) {
  return destroy("cudnnDestroyConvolutionDescriptor", kConvolution, desc);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t desc, int pad_h,
                                                                    int pad_w, int u, int v, int dilation_h,
                                                                    int dilation_w, cudnnConvolutionMode_t mode,
                                                                    cudnnDataType_t computeType) {
  const char* fn = "cudnnSetConvolution2dDescriptor";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (pad_h < 0 || pad_w < 0) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "padding %d,%d is negative", pad_h, pad_w);
  if (u <= 0 || v <= 0) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "strides %d,%d must be positive", u, v);
  if (dilation_h <= 0 || dilation_w <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "dilations %d,%d must be positive", dilation_h, dilation_w);
  }
  if (mode != CUDNN_CONVOLUTION && mode != CUDNN_CROSS_CORRELATION) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid mode %d", (int)mode);
  }
  if (!valid_data_type(computeType)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid compute type %d", (int)computeType);
  }
  desc->set = 1;
  desc->pad_h = pad_h, desc->pad_w = pad_w, desc->stride_h = u, desc->stride_w = v;
  desc->dilation_h = dilation_h, desc->dilation_w = dilation_w;
  desc->mode = mode;
  desc->compute_type = computeType;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dDescriptor(const cudnnConvolutionDescriptor_t desc,
                                                                    int* pad_h, int* pad_w, int* u, int* v,
                                                                    int* dilation_h, int* dilation_w,
                                                                    cudnnConvolutionMode_t* mode,
                                                                    cudnnDataType_t* computeType) {
  const char* fn = "cudnnGetConvolution2dDescriptor";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (!pad_h || !pad_w || !u || !v || !dilation_h || !dilation_w || !mode || !computeType) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  }
  *pad_h = desc->pad_h, *pad_w = desc->pad_w, *u = desc->stride_h, *v = desc->stride_w;
  *dilation_h = desc->dilation_h, *dilation_w = desc->dilation_w;
  *mode = desc->mode;
  *computeType = desc->compute_type;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc,
                                                                  int groupCount) {
  const char* fn = "cudnnSetConvolutionGroupCount";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (groupCount < 1) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "group count %d must be >= 1", groupCount);
  desc->groups = groupCount;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc,
                                                                  int* groupCount) {
  const char* fn = "cudnnGetConvolutionGroupCount";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (groupCount == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "output pointer is NULL");
  *groupCount = desc->groups;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t desc,
                                                                cudnnMathType_t mathType) {
  const char* fn = "cudnnSetConvolutionMathType";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (mathType < CUDNN_DEFAULT_MATH || mathType > CUDNN_FMA_MATH) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid math type %d", (int)mathType);
  }
  desc->math_type = mathType;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionMathType(cudnnConvolutionDescriptor_t desc,
                                                                cudnnMathType_t* mathType) {
  const char* fn = "cudnnGetConvolutionMathType";
  EMU_CUDNN_TRY(live(fn, kConvolution, desc));
  if (mathType == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "output pointer is NULL");
  *mathType = desc->math_type;
  return CUDNN_STATUS_SUCCESS;
}

// ---- LRN descriptors --------------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreateLRNDescriptor(cudnnLRNDescriptor_t* desc) {
  return create("cudnnCreateLRNDescriptor", kLrn, desc, emu_cudnn_lrn{5, 1e-4, 0.75, 2.0});
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyLRNDescriptor(cudnnLRNDescriptor_t desc) {
  return destroy("cudnnDestroyLRNDescriptor", kLrn, desc);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetLRNDescriptor(cudnnLRNDescriptor_t desc, unsigned lrnN, double lrnAlpha,
                                                          double lrnBeta, double lrnK) {
  const char* fn = "cudnnSetLRNDescriptor";
  EMU_CUDNN_TRY(live(fn, kLrn, desc));
  if (lrnN < CUDNN_LRN_MIN_N || lrnN > CUDNN_LRN_MAX_N) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "n = %d is outside [%d, %d]", (int)lrnN, CUDNN_LRN_MIN_N,
                  CUDNN_LRN_MAX_N);
  }
  if (!(lrnK >= CUDNN_LRN_MIN_K)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "k = %g is below CUDNN_LRN_MIN_K = %g", lrnK, CUDNN_LRN_MIN_K);
  }
  if (!(lrnBeta >= CUDNN_LRN_MIN_BETA)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "beta = %g is below CUDNN_LRN_MIN_BETA = %g", lrnBeta,
                  CUDNN_LRN_MIN_BETA);
  }
  if (!isfinite(lrnAlpha)) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "alpha = %g is not finite", lrnAlpha);
  *desc = emu_cudnn_lrn{lrnN, lrnAlpha, lrnBeta, lrnK};
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetLRNDescriptor(cudnnLRNDescriptor_t desc, unsigned* lrnN,
                                                          double* lrnAlpha, double* lrnBeta, double* lrnK) {
  const char* fn = "cudnnGetLRNDescriptor";
  EMU_CUDNN_TRY(live(fn, kLrn, desc));
  if (!lrnN || !lrnAlpha || !lrnBeta || !lrnK) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output is NULL");
  *lrnN = desc->n, *lrnAlpha = desc->alpha, *lrnBeta = desc->beta, *lrnK = desc->k;
  return CUDNN_STATUS_SUCCESS;
}

// ---- pooling descriptors ----------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t* desc) {
  return create("cudnnCreatePoolingDescriptor", kPooling, desc, emu_cudnn_pooling{});
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t desc) {
  return destroy("cudnnDestroyPoolingDescriptor", kPooling, desc);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t desc,
                                                                cudnnPoolingMode_t mode,
                                                                cudnnNanPropagation_t maxpoolingNanOpt,
                                                                int windowHeight, int windowWidth,
                                                                int verticalPadding, int horizontalPadding,
                                                                int verticalStride, int horizontalStride) {
  const char* fn = "cudnnSetPooling2dDescriptor";
  EMU_CUDNN_TRY(live(fn, kPooling, desc));
  if (mode < CUDNN_POOLING_MAX || mode > CUDNN_POOLING_MAX_DETERMINISTIC) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid pooling mode %d", (int)mode);
  }
  if (maxpoolingNanOpt != CUDNN_NOT_PROPAGATE_NAN && maxpoolingNanOpt != CUDNN_PROPAGATE_NAN) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid NaN propagation %d", (int)maxpoolingNanOpt);
  }
  if (windowHeight <= 0 || windowWidth <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "window %dx%d must be positive", windowHeight, windowWidth);
  }
  if (verticalStride <= 0 || horizontalStride <= 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "strides %d,%d must be positive", verticalStride, horizontalStride);
  }
  if (verticalPadding < 0 || horizontalPadding < 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "padding %d,%d is negative", verticalPadding, horizontalPadding);
  }
  *desc = emu_cudnn_pooling{1,           mode,          maxpoolingNanOpt, windowHeight,    windowWidth,
                            verticalPadding, horizontalPadding, verticalStride,   horizontalStride};
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetPooling2dDescriptor(const cudnnPoolingDescriptor_t desc,
                                                                cudnnPoolingMode_t* mode,
                                                                cudnnNanPropagation_t* maxpoolingNanOpt,
                                                                int* windowHeight, int* windowWidth,
                                                                int* verticalPadding, int* horizontalPadding,
                                                                int* verticalStride, int* horizontalStride) {
  const char* fn = "cudnnGetPooling2dDescriptor";
  EMU_CUDNN_TRY(live(fn, kPooling, desc));
  if (!mode || !maxpoolingNanOpt || !windowHeight || !windowWidth || !verticalPadding || !horizontalPadding ||
      !verticalStride || !horizontalStride) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  }
  *mode = desc->mode, *maxpoolingNanOpt = desc->nan_opt;
  *windowHeight = desc->window_h, *windowWidth = desc->window_w;
  *verticalPadding = desc->pad_h, *horizontalPadding = desc->pad_w;
  *verticalStride = desc->stride_h, *horizontalStride = desc->stride_w;
  return CUDNN_STATUS_SUCCESS;
}

// ---- activation descriptors -------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* desc) {
  return create("cudnnCreateActivationDescriptor", kActivation, desc, emu_cudnn_activation{});
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t desc) {
  return destroy("cudnnDestroyActivationDescriptor", kActivation, desc);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t desc,
                                                                 cudnnActivationMode_t mode,
                                                                 cudnnNanPropagation_t reluNanOpt, double coef) {
  const char* fn = "cudnnSetActivationDescriptor";
  EMU_CUDNN_TRY(live(fn, kActivation, desc));
  if (mode < CUDNN_ACTIVATION_SIGMOID || mode > CUDNN_ACTIVATION_SWISH) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid activation mode %d", (int)mode);
  }
  if (reluNanOpt != CUDNN_NOT_PROPAGATE_NAN && reluNanOpt != CUDNN_PROPAGATE_NAN) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid NaN propagation %d", (int)reluNanOpt);
  }
  *desc = emu_cudnn_activation{1, mode, reluNanOpt, coef};
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetActivationDescriptor(const cudnnActivationDescriptor_t desc,
                                                                 cudnnActivationMode_t* mode,
                                                                 cudnnNanPropagation_t* reluNanOpt, double* coef) {
  const char* fn = "cudnnGetActivationDescriptor";
  EMU_CUDNN_TRY(live(fn, kActivation, desc));
  if (!mode || !reluNanOpt || !coef) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  *mode = desc->mode, *reluNanOpt = desc->nan_opt, *coef = desc->coef;
  return CUDNN_STATUS_SUCCESS;
}
