// Helpers shared by the emulated cuDNN's sources: argument checks that log why they refuse, strided
// tensor addressing and alpha/beta blending. Internal (hidden visibility), not part of the ABI.
#ifndef ALEXNET4J_EMU_CUDNN_INTERNAL_H
#define ALEXNET4J_EMU_CUDNN_INTERNAL_H

#include <stdint.h>

#include <string>

#include "emu_cudnn.h"

namespace emu_cudnn {

// Handle kinds recorded with emu_handle_add.
extern const char* const kHandle;
extern const char* const kTensor;
extern const char* const kFilter;
extern const char* const kConvolution;
extern const char* const kLrn;
extern const char* const kPooling;
extern const char* const kActivation;

const char* status_name(cudnnStatus_t status);

// Logs "<fn>: <message> -> <STATUS>" and returns `status`.
cudnnStatus_t refuse(cudnnStatus_t status, const char* fn, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

#define EMU_CUDNN_TRY(expr)                          \
  do {                                               \
    cudnnStatus_t emu_status_ = (expr);              \
    if (emu_status_ != CUDNN_STATUS_SUCCESS) return emu_status_; \
  } while (0)

// One API call on a handle: its name (for diagnostics) and the handle's device.
struct Call {
  const char* fn;
  int device;
};

// The handle is live and its stream still exists.
cudnnStatus_t begin(const char* fn, cudnnHandle_t handle, Call* call);

// A live descriptor whose parameters have been set; tensors and filters must hold float data.
cudnnStatus_t tensor_arg(const char* fn, const char* arg, cudnnTensorDescriptor_t desc,
                         const emu_cudnn_tensor** out);
cudnnStatus_t filter_arg(const char* fn, const char* arg, cudnnFilterDescriptor_t desc,
                         const emu_cudnn_filter** out);
cudnnStatus_t convolution_arg(const char* fn, cudnnConvolutionDescriptor_t desc,
                              const emu_cudnn_convolution** out);

// A device pointer the call reads or writes `bytes` of: NULL -> BAD_PARAM; memory the handle's
// device may not touch -> EXECUTION_FAILED (what an illegal address becomes on a GPU).
cudnnStatus_t data_arg(const Call& call, const char* arg, const void* pointer, size_t bytes);
// The bytes a strided float tensor spans, from its first element to its last.
size_t span_bytes(const emu_cudnn_tensor* t);
inline cudnnStatus_t tensor_data(const Call& call, const char* arg, const emu_cudnn_tensor* t,
                                 const void* pointer) {
  return data_arg(call, arg, pointer, span_bytes(t));
}

// alpha and beta: host floats (the scaling type of float data).
cudnnStatus_t scalars(const Call& call, const void* alpha, const void* beta, float* a, float* b);

std::string dims(const emu_cudnn_tensor* t);
inline bool same_dims(const emu_cudnn_tensor* a, const emu_cudnn_tensor* b) {
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}
// Both tensors must have the same dimensions (strides may differ).
cudnnStatus_t need_same_dims(const char* fn, const char* a_name, const emu_cudnn_tensor* a,
                             const char* b_name, const emu_cudnn_tensor* b);

inline int64_t at(const emu_cudnn_tensor* t, int n, int c, int h, int w) {
  return (int64_t)n * t->ns + (int64_t)c * t->cs + (int64_t)h * t->hs + (int64_t)w * t->ws;
}

// dst = alpha * value + beta * dst; with beta == 0 dst is not read (cuDNN's rule).
inline void blend(float* dst, double value, float alpha, float beta) {
  if (beta == 0.0f) {
    *dst = (float)((double)alpha * value);
  } else {
    *dst = (float)((double)alpha * value + (double)beta * (double)*dst);
  }
}

}  // namespace emu_cudnn

#endif
