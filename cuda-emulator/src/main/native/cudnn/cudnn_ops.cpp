// The emulated cuDNN's element-wise and window operations: cudnnAddTensor, cross-channel LRN, 2-d
// pooling, activations and softmax. All tensors are strided float NCHW; sums run in double.
#include <math.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "cudnn_internal.h"

using namespace emu_cudnn;

namespace {

template <typename T>
cudnnStatus_t descriptor_arg(const char* fn, const char* kind, T* desc) {
  if (desc == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s is NULL", kind);
  if (!emu_handle_live(kind, desc, nullptr)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%p is not a live %s (destroyed or never created)", (void*)desc, kind);
  }
  return CUDNN_STATUS_SUCCESS;
}

// Calls f(n, c, h, w) for every element, w innermost.
template <typename F>
void each(const emu_cudnn_tensor* t, F f) {
  for (int n = 0; n < t->n; n++)
    for (int c = 0; c < t->c; c++)
      for (int h = 0; h < t->h; h++)
        for (int w = 0; w < t->w; w++) f(n, c, h, w);
}

}  // namespace

// ---- cudnnAddTensor -----------------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void* alpha,
                                                   const cudnnTensorDescriptor_t aDesc, const void* A,
                                                   const void* beta, const cudnnTensorDescriptor_t cDesc, void* C) {
  const char* fn = "cudnnAddTensor";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  const emu_cudnn_tensor* ad;
  const emu_cudnn_tensor* cd;
  EMU_CUDNN_TRY(tensor_arg(fn, "aDesc", aDesc, &ad));
  EMU_CUDNN_TRY(tensor_arg(fn, "cDesc", cDesc, &cd));
  // Each dimension of A matches C's or is 1 (broadcast).
  if ((ad->n != cd->n && ad->n != 1) || (ad->c != cd->c && ad->c != 1) || (ad->h != cd->h && ad->h != 1) ||
      (ad->w != cd->w && ad->w != 1)) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "A is %s, C is %s: each dimension of A must be C's or 1",
                  dims(ad).c_str(), dims(cd).c_str());
  }
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "A", ad, A));
  EMU_CUDNN_TRY(tensor_data(call, "C", cd, C));
  const float* in = (const float*)A;
  float* out = (float*)C;
  each(cd, [&](int n, int c, int h, int w) {
    double v = in[at(ad, ad->n == 1 ? 0 : n, ad->c == 1 ? 0 : c, ad->h == 1 ? 0 : h, ad->w == 1 ? 0 : w)];
    blend(out + at(cd, n, c, h, w), v, a, b);
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- LRN ----------------------------------------------------------------------------------------
//
// y = x / (k + (alpha / n) * sum over the window of x^2)^beta, the window of channel c being
// [c - floor((n-1)/2), c + floor(n/2)] clipped to the channels.

namespace {

struct LrnWindow {
  int before, after;  // channels before and after c in its window
};

LrnWindow window(unsigned n) { return {(int)(n - 1) / 2, (int)n / 2}; }

cudnnStatus_t lrn_arg(const char* fn, cudnnLRNDescriptor_t desc, cudnnLRNMode_t mode) {
  EMU_CUDNN_TRY(descriptor_arg(fn, "cudnnLRNDescriptor_t", desc));
  if (mode != CUDNN_LRN_CROSS_CHANNEL_DIM1) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid LRN mode %d", (int)mode);
  return CUDNN_STATUS_SUCCESS;
}

// scale[c] = k + alpha / n * sum of x^2 over c's window, for the C values of one (n, h, w).
void lrn_scale(const emu_cudnn_lrn* p, const std::vector<double>& x, std::vector<double>& scale) {
  int C = (int)x.size();
  LrnWindow win = window(p->n);
  double factor = p->alpha / p->n;
  for (int c = 0; c < C; c++) {
    int lo = std::max(0, c - win.before), hi = std::min(C - 1, c + win.after);
    double sum = 0;
    for (int j = lo; j <= hi; j++) sum += x[j] * x[j];
    scale[c] = p->k + factor * sum;
  }
}

}  // namespace

extern "C" EMU_EXPORT cudnnStatus_t cudnnLRNCrossChannelForward(cudnnHandle_t handle, cudnnLRNDescriptor_t normDesc,
                                                                cudnnLRNMode_t lrnMode, const void* alpha,
                                                                const cudnnTensorDescriptor_t xDesc, const void* x,
                                                                const void* beta, const cudnnTensorDescriptor_t yDesc,
                                                                void* y) {
  const char* fn = "cudnnLRNCrossChannelForward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(lrn_arg(fn, normDesc, lrnMode));
  const emu_cudnn_tensor* xd;
  const emu_cudnn_tensor* yd;
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, &xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", xd, "yDesc", yd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "x", xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  const emu_cudnn_lrn* p = normDesc;
  const float* in = (const float*)x;
  float* out = (float*)y;
  int C = xd->c;
  std::vector<double> xs(C), scale(C);
  for (int n = 0; n < xd->n; n++) {
    for (int h = 0; h < xd->h; h++) {
      for (int w = 0; w < xd->w; w++) {
        for (int c = 0; c < C; c++) xs[c] = in[at(xd, n, c, h, w)];
        lrn_scale(p, xs, scale);
        for (int c = 0; c < C; c++) blend(out + at(yd, n, c, h, w), xs[c] * pow(scale[c], -p->beta), a, b);
      }
    }
  }
  return CUDNN_STATUS_SUCCESS;
}

// The arguments of a backward pass whose y, dy, x and dx all have x's dimensions (LRN,
// activations): descriptors live and matching, scalars on the host, data usable by the handle's
// device for the bytes each tensor spans.
static cudnnStatus_t same_shape_backward_args(
    const char* fn, const Call& call, cudnnTensorDescriptor_t yDesc, const void* y,
    cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnTensorDescriptor_t xDesc, const void* x,
    cudnnTensorDescriptor_t dxDesc, const void* dx, const void* alpha, const void* beta,
    const emu_cudnn_tensor** yd, const emu_cudnn_tensor** dyd, const emu_cudnn_tensor** xd,
    const emu_cudnn_tensor** dxd, float* a, float* b) {
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, yd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dyDesc", dyDesc, dyd));
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dxDesc", dxDesc, dxd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", *xd, "yDesc", *yd));
  EMU_CUDNN_TRY(need_same_dims(fn, "yDesc", *yd, "dyDesc", *dyd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", *xd, "dxDesc", *dxd));
  EMU_CUDNN_TRY(scalars(call, alpha, beta, a, b));
  EMU_CUDNN_TRY(tensor_data(call, "y", *yd, y));
  EMU_CUDNN_TRY(tensor_data(call, "dy", *dyd, dy));
  EMU_CUDNN_TRY(tensor_data(call, "x", *xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "dx", *dxd, dx));
  return CUDNN_STATUS_SUCCESS;
}

// dx_i = dy_i s_i^-beta - (2 alpha beta / n) x_i sum over the c whose window holds i of dy_c y_c / s_c
extern "C" EMU_EXPORT cudnnStatus_t cudnnLRNCrossChannelBackward(
    cudnnHandle_t handle, cudnnLRNDescriptor_t normDesc, cudnnLRNMode_t lrnMode, const void* alpha,
    const cudnnTensorDescriptor_t yDesc, const void* y, const cudnnTensorDescriptor_t dyDesc, const void* dy,
    const cudnnTensorDescriptor_t xDesc, const void* x, const void* beta, const cudnnTensorDescriptor_t dxDesc,
    void* dx) {
  const char* fn = "cudnnLRNCrossChannelBackward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(lrn_arg(fn, normDesc, lrnMode));
  const emu_cudnn_tensor *yd, *dyd, *xd, *dxd;
  float a, b;
  EMU_CUDNN_TRY(same_shape_backward_args(fn, call, yDesc, y, dyDesc, dy, xDesc, x, dxDesc, dx,
                                         alpha, beta, &yd, &dyd, &xd, &dxd, &a, &b));
  const emu_cudnn_lrn* p = normDesc;
  const float* xp = (const float*)x;
  const float* yp = (const float*)y;
  const float* dyp = (const float*)dy;
  float* dxp = (float*)dx;
  int C = xd->c;
  LrnWindow win = window(p->n);
  double factor = 2.0 * p->alpha * p->beta / p->n;
  std::vector<double> xs(C), ys(C), dys(C), scale(C), t(C);
  for (int n = 0; n < xd->n; n++) {
    for (int h = 0; h < xd->h; h++) {
      for (int w = 0; w < xd->w; w++) {
        for (int c = 0; c < C; c++) {
          xs[c] = xp[at(xd, n, c, h, w)];
          ys[c] = yp[at(yd, n, c, h, w)];
          dys[c] = dyp[at(dyd, n, c, h, w)];
        }
        lrn_scale(p, xs, scale);
        for (int c = 0; c < C; c++) t[c] = dys[c] * ys[c] / scale[c];
        for (int i = 0; i < C; i++) {
          // i lies in the window of c exactly when c is in [i - after, i + before].
          int lo = std::max(0, i - win.after), hi = std::min(C - 1, i + win.before);
          double sum = 0;
          for (int c = lo; c <= hi; c++) sum += t[c];
          double g = dys[i] * pow(scale[i], -p->beta) - factor * xs[i] * sum;
          blend(dxp + at(dxd, n, i, h, w), g, a, b);
        }
      }
    }
  }
  return CUDNN_STATUS_SUCCESS;
}

// ---- pooling ------------------------------------------------------------------------------------
//
// out = 1 + (in + 2 pad - window) / stride; padded positions are -inf for max pooling (never win)
// and count as zeros for CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING.

namespace {

cudnnStatus_t pooling_arg(const char* fn, cudnnPoolingDescriptor_t desc) {
  EMU_CUDNN_TRY(descriptor_arg(fn, "cudnnPoolingDescriptor_t", desc));
  if (!desc->set) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "pooling descriptor was never set");
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t pooling_output(const char* fn, const emu_cudnn_pooling* p, const emu_cudnn_tensor* x, int* out_h,
                             int* out_w) {
  int in_h = x->h + 2 * p->pad_h, in_w = x->w + 2 * p->pad_w;
  if (p->window_h > in_h || p->window_w > in_w) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "window %dx%d is larger than the padded input %dx%d", p->window_h,
                  p->window_w, in_h, in_w);
  }
  *out_h = 1 + (in_h - p->window_h) / p->stride_h;
  *out_w = 1 + (in_w - p->window_w) / p->stride_w;
  return CUDNN_STATUS_SUCCESS;
}

bool is_max(const emu_cudnn_pooling* p) {
  return p->mode == CUDNN_POOLING_MAX || p->mode == CUDNN_POOLING_MAX_DETERMINISTIC;
}

// The window of output (oy, ox) clipped to the input: rows [y0, y1), columns [x0, x1).
struct Window {
  int y0, y1, x0, x1;
  int full;  // the unclipped window's area
};

Window pool_window(const emu_cudnn_pooling* p, const emu_cudnn_tensor* x, int oy, int ox) {
  int ys = oy * p->stride_h - p->pad_h, xs = ox * p->stride_w - p->pad_w;
  return {std::max(ys, 0), std::min(ys + p->window_h, x->h), std::max(xs, 0), std::min(xs + p->window_w, x->w),
          p->window_h * p->window_w};
}

// The position (flat h * W + w) of the window's maximum, the first one in row-major order; with
// NaN propagation the first NaN wins. -1 when the window lies wholly in the padding.
int64_t argmax(const emu_cudnn_pooling* p, const emu_cudnn_tensor* xd, const float* x, int n, int c,
               const Window& win, float* value) {
  int64_t best = -1;
  float best_value = -std::numeric_limits<float>::infinity();
  bool propagate = p->nan_opt == CUDNN_PROPAGATE_NAN;
  for (int h = win.y0; h < win.y1; h++) {
    for (int w = win.x0; w < win.x1; w++) {
      float v = x[at(xd, n, c, h, w)];
      if (isnan(v)) {
        if (propagate) {
          *value = v;
          return (int64_t)h * xd->w + w;
        }
        continue;
      }
      if (best < 0 || v > best_value) {
        best = (int64_t)h * xd->w + w;
        best_value = v;
      }
    }
  }
  *value = best_value;
  return best;
}

}  // namespace

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetPooling2dForwardOutputDim(const cudnnPoolingDescriptor_t poolingDesc,
                                                                      const cudnnTensorDescriptor_t inputTensorDesc,
                                                                      int* n, int* c, int* h, int* w) {
  const char* fn = "cudnnGetPooling2dForwardOutputDim";
  EMU_CUDNN_TRY(pooling_arg(fn, poolingDesc));
  const emu_cudnn_tensor* xd;
  EMU_CUDNN_TRY(tensor_arg(fn, "inputTensorDesc", inputTensorDesc, &xd));
  if (!n || !c || !h || !w) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  int out_h, out_w;
  EMU_CUDNN_TRY(pooling_output(fn, poolingDesc, xd, &out_h, &out_w));
  *n = xd->n, *c = xd->c, *h = out_h, *w = out_w;
  return CUDNN_STATUS_SUCCESS;
}

static cudnnStatus_t check_pooled(const char* fn, const emu_cudnn_pooling* p, const emu_cudnn_tensor* xd,
                                  const char* y_name, const emu_cudnn_tensor* yd) {
  int out_h, out_w;
  EMU_CUDNN_TRY(pooling_output(fn, p, xd, &out_h, &out_w));
  if (yd->n != xd->n || yd->c != xd->c || yd->h != out_h || yd->w != out_w) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s is %s but pooling %s gives %dx%dx%dx%d", y_name,
                  dims(yd).c_str(), dims(xd).c_str(), xd->n, xd->c, out_h, out_w);
  }
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle,
                                                        const cudnnPoolingDescriptor_t poolingDesc,
                                                        const void* alpha, const cudnnTensorDescriptor_t xDesc,
                                                        const void* x, const void* beta,
                                                        const cudnnTensorDescriptor_t yDesc, void* y) {
  const char* fn = "cudnnPoolingForward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(pooling_arg(fn, poolingDesc));
  const emu_cudnn_tensor *xd, *yd;
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, &xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  const emu_cudnn_pooling* p = poolingDesc;
  EMU_CUDNN_TRY(check_pooled(fn, p, xd, "yDesc", yd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "x", xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  const float* in = (const float*)x;
  float* out = (float*)y;
  each(yd, [&](int n, int c, int oy, int ox) {
    Window win = pool_window(p, xd, oy, ox);
    double v;
    if (is_max(p)) {
      float m;
      argmax(p, xd, in, n, c, win, &m);
      v = m;
    } else {
      double sum = 0;
      for (int h = win.y0; h < win.y1; h++)
        for (int w = win.x0; w < win.x1; w++) sum += in[at(xd, n, c, h, w)];
      int count = p->mode == CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                      ? win.full
                      : std::max(0, win.y1 - win.y0) * std::max(0, win.x1 - win.x0);
      v = count > 0 ? sum / count : 0.0;
    }
    blend(out + at(yd, n, c, oy, ox), v, a, b);
  });
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnPoolingBackward(cudnnHandle_t handle,
                                                         const cudnnPoolingDescriptor_t poolingDesc,
                                                         const void* alpha, const cudnnTensorDescriptor_t yDesc,
                                                         const void* y, const cudnnTensorDescriptor_t dyDesc,
                                                         const void* dy, const cudnnTensorDescriptor_t xDesc,
                                                         const void* x, const void* beta,
                                                         const cudnnTensorDescriptor_t dxDesc, void* dx) {
  const char* fn = "cudnnPoolingBackward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(pooling_arg(fn, poolingDesc));
  const emu_cudnn_tensor *yd, *dyd, *xd, *dxd;
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dyDesc", dyDesc, &dyd));
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, &xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dxDesc", dxDesc, &dxd));
  const emu_cudnn_pooling* p = poolingDesc;
  EMU_CUDNN_TRY(check_pooled(fn, p, xd, "yDesc", yd));
  EMU_CUDNN_TRY(need_same_dims(fn, "yDesc", yd, "dyDesc", dyd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", xd, "dxDesc", dxd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  EMU_CUDNN_TRY(tensor_data(call, "dy", dyd, dy));
  EMU_CUDNN_TRY(tensor_data(call, "x", xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "dx", dxd, dx));
  const float* in = (const float*)x;
  const float* grad = (const float*)dy;
  float* out = (float*)dx;
  size_t plane = (size_t)xd->h * xd->w;
  std::vector<double> acc(plane);
  for (int n = 0; n < xd->n; n++) {
    for (int c = 0; c < xd->c; c++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int oy = 0; oy < yd->h; oy++) {
        for (int ox = 0; ox < yd->w; ox++) {
          Window win = pool_window(p, xd, oy, ox);
          double g = grad[at(dyd, n, c, oy, ox)];
          if (is_max(p)) {
            float m;
            int64_t i = argmax(p, xd, in, n, c, win, &m);
            if (i >= 0) acc[i] += g;
          } else {
            int count = p->mode == CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                            ? win.full
                            : std::max(0, win.y1 - win.y0) * std::max(0, win.x1 - win.x0);
            if (count == 0) continue;
            for (int h = win.y0; h < win.y1; h++)
              for (int w = win.x0; w < win.x1; w++) acc[(size_t)h * xd->w + w] += g / count;
          }
        }
      }
      for (int h = 0; h < xd->h; h++)
        for (int w = 0; w < xd->w; w++) blend(out + at(dxd, n, c, h, w), acc[(size_t)h * xd->w + w], a, b);
    }
  }
  return CUDNN_STATUS_SUCCESS;
}

// ---- activations --------------------------------------------------------------------------------

namespace {

cudnnStatus_t activation_arg(const char* fn, cudnnActivationDescriptor_t desc) {
  EMU_CUDNN_TRY(descriptor_arg(fn, "cudnnActivationDescriptor_t", desc));
  if (!desc->set) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "activation descriptor was never set");
  if (desc->mode == CUDNN_ACTIVATION_IDENTITY) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn,
                  "CUDNN_ACTIVATION_IDENTITY works only in cudnnConvolutionBiasActivationForward");
  }
  if (desc->mode == CUDNN_ACTIVATION_SWISH) {
    return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn, "the emulator does not implement CUDNN_ACTIVATION_SWISH");
  }
  return CUDNN_STATUS_SUCCESS;
}

double activate(const emu_cudnn_activation* p, double x) {
  switch (p->mode) {
    case CUDNN_ACTIVATION_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case CUDNN_ACTIVATION_TANH: return tanh(x);
    case CUDNN_ACTIVATION_RELU:
      if (isnan(x)) return p->nan_opt == CUDNN_PROPAGATE_NAN ? x : 0.0;
      return x > 0 ? x : 0.0;
    case CUDNN_ACTIVATION_CLIPPED_RELU:
      if (isnan(x)) return p->nan_opt == CUDNN_PROPAGATE_NAN ? x : 0.0;
      return std::min(std::max(x, 0.0), p->coef);
    case CUDNN_ACTIVATION_ELU: return x > 0 ? x : p->coef * (exp(x) - 1.0);
    default: return x;
  }
}

// dx from dy, the forward input x and output y. ReLU: NaN inputs pass no gradient.
double derivative(const emu_cudnn_activation* p, double x, double y, double dy) {
  switch (p->mode) {
    case CUDNN_ACTIVATION_SIGMOID: return dy * y * (1.0 - y);
    case CUDNN_ACTIVATION_TANH: return dy * (1.0 - y * y);
    case CUDNN_ACTIVATION_RELU: return x > 0 ? dy : 0.0;
    case CUDNN_ACTIVATION_CLIPPED_RELU: return (x > 0 && x < p->coef) ? dy : 0.0;
    case CUDNN_ACTIVATION_ELU: return x > 0 ? dy : dy * (y + p->coef);
    default: return dy;
  }
}

}  // namespace

extern "C" EMU_EXPORT cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle,
                                                           cudnnActivationDescriptor_t activationDesc,
                                                           const void* alpha, const cudnnTensorDescriptor_t xDesc,
                                                           const void* x, const void* beta,
                                                           const cudnnTensorDescriptor_t yDesc, void* y) {
  const char* fn = "cudnnActivationForward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(activation_arg(fn, activationDesc));
  const emu_cudnn_tensor *xd, *yd;
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, &xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", xd, "yDesc", yd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "x", xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  const float* in = (const float*)x;
  float* out = (float*)y;
  each(xd, [&](int n, int c, int h, int w) {
    blend(out + at(yd, n, c, h, w), activate(activationDesc, in[at(xd, n, c, h, w)]), a, b);
  });
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnActivationBackward(cudnnHandle_t handle,
                                                            cudnnActivationDescriptor_t activationDesc,
                                                            const void* alpha, const cudnnTensorDescriptor_t yDesc,
                                                            const void* y, const cudnnTensorDescriptor_t dyDesc,
                                                            const void* dy, const cudnnTensorDescriptor_t xDesc,
                                                            const void* x, const void* beta,
                                                            const cudnnTensorDescriptor_t dxDesc, void* dx) {
  const char* fn = "cudnnActivationBackward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(activation_arg(fn, activationDesc));
  const emu_cudnn_tensor *yd, *dyd, *xd, *dxd;
  float a, b;
  EMU_CUDNN_TRY(same_shape_backward_args(fn, call, yDesc, y, dyDesc, dy, xDesc, x, dxDesc, dx,
                                         alpha, beta, &yd, &dyd, &xd, &dxd, &a, &b));
  const float* xp = (const float*)x;
  const float* yp = (const float*)y;
  const float* dyp = (const float*)dy;
  float* dxp = (float*)dx;
  each(xd, [&](int n, int c, int h, int w) {
    double g = derivative(activationDesc, xp[at(xd, n, c, h, w)], yp[at(yd, n, c, h, w)], dyp[at(dyd, n, c, h, w)]);
    blend(dxp + at(dxd, n, c, h, w), g, a, b);
  });
  return CUDNN_STATUS_SUCCESS;
}

// ---- softmax ------------------------------------------------------------------------------------
//
// INSTANCE: over each sample's C x H x W values; CHANNEL: over C at each (n, h, w).
// FAST: exp(x) / sum exp(x); ACCURATE: with the maximum subtracted first; LOG: log-softmax.

namespace {

cudnnStatus_t softmax_args(const char* fn, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode) {
  if (algo < CUDNN_SOFTMAX_FAST || algo > CUDNN_SOFTMAX_LOG) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid softmax algorithm %d", (int)algo);
  }
  if (mode != CUDNN_SOFTMAX_MODE_INSTANCE && mode != CUDNN_SOFTMAX_MODE_CHANNEL) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "invalid softmax mode %d", (int)mode);
  }
  return CUDNN_STATUS_SUCCESS;
}

// Calls f(n, flat indices c*H*W + h*W + w of one softmax group) for each group.
template <typename F>
void softmax_groups(const emu_cudnn_tensor* t, cudnnSoftmaxMode_t mode, F f) {
  std::vector<int64_t> idx;
  int64_t plane = (int64_t)t->h * t->w;
  for (int n = 0; n < t->n; n++) {
    if (mode == CUDNN_SOFTMAX_MODE_INSTANCE) {
      idx.clear();
      for (int64_t i = 0; i < t->c * plane; i++) idx.push_back(i);
      f(n, idx);
    } else {
      for (int64_t p = 0; p < plane; p++) {
        idx.clear();
        for (int c = 0; c < t->c; c++) idx.push_back(c * plane + p);
        f(n, idx);
      }
    }
  }
}

// Element (n, flat c*H*W + h*W + w) of tensor t.
inline int64_t flat_at(const emu_cudnn_tensor* t, int n, int64_t flat) {
  int w = (int)(flat % t->w);
  int h = (int)(flat / t->w % t->h);
  int c = (int)(flat / ((int64_t)t->w * t->h));
  return at(t, n, c, h, w);
}

}  // namespace

extern "C" EMU_EXPORT cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo,
                                                        cudnnSoftmaxMode_t mode, const void* alpha,
                                                        const cudnnTensorDescriptor_t xDesc, const void* x,
                                                        const void* beta, const cudnnTensorDescriptor_t yDesc,
                                                        void* y) {
  const char* fn = "cudnnSoftmaxForward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(softmax_args(fn, algo, mode));
  const emu_cudnn_tensor *xd, *yd;
  EMU_CUDNN_TRY(tensor_arg(fn, "xDesc", xDesc, &xd));
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  EMU_CUDNN_TRY(need_same_dims(fn, "xDesc", xd, "yDesc", yd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "x", xd, x));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  const float* in = (const float*)x;
  float* out = (float*)y;
  std::vector<double> v;
  softmax_groups(xd, mode, [&](int n, const std::vector<int64_t>& idx) {
    size_t count = idx.size();
    v.resize(count);
    double max = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < count; i++) {
      v[i] = in[flat_at(xd, n, idx[i])];
      max = std::max(max, v[i]);
    }
    double shift = algo == CUDNN_SOFTMAX_FAST ? 0.0 : max;
    double sum = 0;
    for (size_t i = 0; i < count; i++) sum += exp(v[i] - shift);
    double log_sum = log(sum);
    for (size_t i = 0; i < count; i++) {
      double r = algo == CUDNN_SOFTMAX_LOG ? v[i] - shift - log_sum : exp(v[i] - shift) / sum;
      blend(out + flat_at(yd, n, idx[i]), r, a, b);
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

// dx = y (dy - sum(dy y)) for FAST/ACCURATE; dx = dy - exp(y) sum(dy) for LOG.
extern "C" EMU_EXPORT cudnnStatus_t cudnnSoftmaxBackward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo,
                                                         cudnnSoftmaxMode_t mode, const void* alpha,
                                                         const cudnnTensorDescriptor_t yDesc, const void* y,
                                                         const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                         const void* beta, const cudnnTensorDescriptor_t dxDesc,
                                                         void* dx) {
  const char* fn = "cudnnSoftmaxBackward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  EMU_CUDNN_TRY(softmax_args(fn, algo, mode));
  const emu_cudnn_tensor *yd, *dyd, *dxd;
  EMU_CUDNN_TRY(tensor_arg(fn, "yDesc", yDesc, &yd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dyDesc", dyDesc, &dyd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dxDesc", dxDesc, &dxd));
  EMU_CUDNN_TRY(need_same_dims(fn, "yDesc", yd, "dyDesc", dyd));
  EMU_CUDNN_TRY(need_same_dims(fn, "yDesc", yd, "dxDesc", dxd));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  EMU_CUDNN_TRY(tensor_data(call, "dy", dyd, dy));
  EMU_CUDNN_TRY(tensor_data(call, "dx", dxd, dx));
  const float* yp = (const float*)y;
  const float* dyp = (const float*)dy;
  float* dxp = (float*)dx;
  softmax_groups(yd, mode, [&](int n, const std::vector<int64_t>& idx) {
    double sum = 0;
    for (int64_t i : idx) {
      double g = dyp[flat_at(dyd, n, i)];
      sum += algo == CUDNN_SOFTMAX_LOG ? g : g * yp[flat_at(yd, n, i)];
    }
    for (int64_t i : idx) {
      double yv = yp[flat_at(yd, n, i)], g = dyp[flat_at(dyd, n, i)];
      double r = algo == CUDNN_SOFTMAX_LOG ? g - exp(yv) * sum : yv * (g - sum);
      blend(dxp + flat_at(dxd, n, i), r, a, b);
    }
  });
  return CUDNN_STATUS_SUCCESS;
}
