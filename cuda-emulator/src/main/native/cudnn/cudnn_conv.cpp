// The emulated cuDNN's convolutions: output size, algorithm lists (heuristic and "measured"),
// workspace sizes, and forward / backward data / backward filter / backward bias as direct loops
// with double accumulators, the innermost loop running along a row.
//
// Every algorithm computes the same way; the algorithms differ only in what they report (status,
// workspace, determinism), so that the Java side's choice among them is exercised.
#include <string.h>

#include <algorithm>
#include <vector>

#include "cudnn_internal.h"

using namespace emu_cudnn;

namespace {

struct Geometry {
  const emu_cudnn_tensor* x;
  const emu_cudnn_filter* w;
  const emu_cudnn_convolution* conv;
  int groups;
  int cg;  // input channels per group (= w->c)
  int kg;  // output channels per group
  int out_h, out_w;
};

// Checks that input, filter and convolution fit together, and computes the output size:
// out = 1 + (in + 2 pad - ((f - 1) dilation + 1)) / stride.
cudnnStatus_t geometry(const char* fn, const emu_cudnn_tensor* x, const emu_cudnn_filter* w,
                       const emu_cudnn_convolution* conv, Geometry* g) {
  int groups = conv->groups;
  if (x->c % groups != 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "group count %d does not divide the input's %d channels", groups,
                  x->c);
  }
  if (w->k % groups != 0) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "group count %d does not divide the filter's %d output channels",
                  groups, w->k);
  }
  if (w->c * groups != x->c) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn,
                  "the filter takes %d input channels per group but the input has %d channels in %d group(s)", w->c,
                  x->c, groups);
  }
  int eff_h = (w->h - 1) * conv->dilation_h + 1;
  int eff_w = (w->w - 1) * conv->dilation_w + 1;
  int in_h = x->h + 2 * conv->pad_h;
  int in_w = x->w + 2 * conv->pad_w;
  if (eff_h > in_h || eff_w > in_w) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "filter %dx%d (dilated %dx%d) is larger than the padded input %dx%d",
                  w->h, w->w, eff_h, eff_w, in_h, in_w);
  }
  g->x = x;
  g->w = w;
  g->conv = conv;
  g->groups = groups;
  g->cg = w->c;
  g->kg = w->k / groups;
  g->out_h = 1 + (in_h - eff_h) / conv->stride_h;
  g->out_w = 1 + (in_w - eff_w) / conv->stride_w;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t check_output(const char* fn, const Geometry& g, const char* name, const emu_cudnn_tensor* y) {
  if (y->n == g.x->n && y->c == g.w->k && y->h == g.out_h && y->w == g.out_w) return CUDNN_STATUS_SUCCESS;
  return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s is %s but the convolution's output is %dx%dx%dx%d", name,
                dims(y).c_str(), g.x->n, g.w->k, g.out_h, g.out_w);
}

// The descriptors of one call: x (input), w (filter), conv, y (output) -> geometry.
cudnnStatus_t describe(const char* fn, cudnnTensorDescriptor_t xDesc, const char* x_name,
                       cudnnFilterDescriptor_t wDesc, const char* w_name, cudnnConvolutionDescriptor_t convDesc,
                       cudnnTensorDescriptor_t yDesc, const char* y_name, Geometry* g,
                       const emu_cudnn_tensor** y) {
  const emu_cudnn_tensor* x;
  const emu_cudnn_filter* w;
  const emu_cudnn_convolution* conv;
  EMU_CUDNN_TRY(tensor_arg(fn, x_name, xDesc, &x));
  EMU_CUDNN_TRY(filter_arg(fn, w_name, wDesc, &w));
  EMU_CUDNN_TRY(convolution_arg(fn, convDesc, &conv));
  EMU_CUDNN_TRY(tensor_arg(fn, y_name, yDesc, y));
  EMU_CUDNN_TRY(geometry(fn, x, w, conv, g));
  return check_output(fn, *g, y_name, *y);
}

// ---- algorithms ---------------------------------------------------------------------------------

enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER };

struct AlgoInfo {
  int algo;
  bool supported;
  bool deterministic;
  double gflops;  // the rate the "measured" time is modelled on
};

// In heuristic order (what cudnnGetConvolution*Algorithm_v7 returns); unsupported ones last.
const AlgoInfo kForward[] = {
    {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, true, true, 8000},
    {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, true, true, 5000},
    {CUDNN_CONVOLUTION_FWD_ALGO_GEMM, true, true, 10000},
    {CUDNN_CONVOLUTION_FWD_ALGO_FFT, false, true, 0},
    {CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING, false, true, 0},
    {CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD, false, true, 0},
    {CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED, false, true, 0},
    {CUDNN_CONVOLUTION_FWD_ALGO_DIRECT, false, true, 0},
};
// ALGO_0 of both backward directions accumulates with atomics on a GPU: non-deterministic.
const AlgoInfo kBackwardData[] = {
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, true, false, 9000},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, true, true, 6000},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED, false, true, 0},
};
const AlgoInfo kBackwardFilter[] = {
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, true, false, 8000},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, true, true, 5000},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3, true, false, 9000},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED, false, true, 0},
    {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING, false, true, 0},
};

struct AlgoTable {
  const AlgoInfo* infos;
  int count;
  const char* name;
};

AlgoTable table(Direction d) {
  switch (d) {
    case FORWARD: return {kForward, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, "forward"};
    case BACKWARD_DATA: return {kBackwardData, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, "backward data"};
    case BACKWARD_FILTER: return {kBackwardFilter, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, "backward filter"};
  }
  return {nullptr, 0, ""};
}

// The algorithm's record; BAD_PARAM for a number outside the enum, NOT_SUPPORTED for one the
// emulator (like cuDNN for these shapes) does not implement.
cudnnStatus_t algorithm(const char* fn, Direction d, int algo, const AlgoInfo** out) {
  AlgoTable t = table(d);
  for (int i = 0; i < t.count; i++) {
    if (t.infos[i].algo == algo) {
      if (!t.infos[i].supported) {
        return refuse(CUDNN_STATUS_NOT_SUPPORTED, fn, "%s algorithm %d is not supported for this configuration",
                      t.name, algo);
      }
      *out = &t.infos[i];
      return CUDNN_STATUS_SUCCESS;
    }
  }
  return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%d is not a %s algorithm", algo, t.name);
}

size_t workspace_bytes(Direction d, int algo, const Geometry& g) {
  size_t filter_bytes = (size_t)g.w->k * g.cg * g.w->h * g.w->w * sizeof(float);
  switch (d) {
    case FORWARD:
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM) {
        return (size_t)g.cg * g.w->h * g.w->w * sizeof(int);  // an index table
      }
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_GEMM) {  // one image's im2col matrix
        return (size_t)g.x->c * g.w->h * g.w->w * g.out_h * g.out_w * sizeof(float);
      }
      return 0;
    case BACKWARD_DATA: return algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 ? filter_bytes : 0;
    case BACKWARD_FILTER:
      if (algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1) return filter_bytes;
      if (algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3) return 2 * filter_bytes;
      return 0;
  }
  return 0;
}

// The perf records, in heuristic order or ("measured") by modelled time, unsupported ones last.
template <typename Perf, typename AlgoEnum>
cudnnStatus_t algorithms(const char* fn, Direction d, bool measured, const Geometry& g, int requested,
                         int* returned, Perf* perf) {
  if (requested < 1) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "requestedAlgoCount %d < 1", requested);
  if (returned == nullptr || perf == nullptr) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "%s is NULL", returned == nullptr ? "returnedAlgoCount" : "perfResults");
  }
  AlgoTable t = table(d);
  double flops = 2.0 * g.x->n * g.w->k * g.out_h * g.out_w * (double)g.cg * g.w->h * g.w->w;
  std::vector<Perf> list;
  for (int i = 0; i < t.count; i++) {
    const AlgoInfo& info = t.infos[i];
    Perf p;
    memset(&p, 0, sizeof p);
    p.algo = (AlgoEnum)info.algo;
    p.status = info.supported ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_NOT_SUPPORTED;
    p.time = (measured && info.supported) ? (float)(flops / (info.gflops * 1e9) * 1e3 + 0.001) : -1.0f;
    p.memory = info.supported ? workspace_bytes(d, info.algo, g) : 0;
    p.determinism = info.deterministic ? CUDNN_DETERMINISTIC : CUDNN_NON_DETERMINISTIC;
    p.mathType = g.conv->math_type;
    list.push_back(p);
  }
  if (measured) {
    std::stable_sort(list.begin(), list.end(), [](const Perf& a, const Perf& b) {
      bool a_ok = a.status == CUDNN_STATUS_SUCCESS, b_ok = b.status == CUDNN_STATUS_SUCCESS;
      if (a_ok != b_ok) return a_ok;
      return a_ok && a.time < b.time;
    });
  }
  int n = std::min(requested, (int)list.size());
  for (int i = 0; i < n; i++) perf[i] = list[i];
  *returned = n;
  return CUDNN_STATUS_SUCCESS;
}

// Workspace check shared by the three convolutions.
cudnnStatus_t workspace_arg(const Call& call, Direction d, int algo, const Geometry& g, void* workspace,
                            size_t given) {
  size_t needed = workspace_bytes(d, algo, g);
  if (needed == 0) return CUDNN_STATUS_SUCCESS;
  if (given < needed) {
    return refuse(CUDNN_STATUS_BAD_PARAM, call.fn, "algorithm %d needs a %zu-byte workspace but %zu bytes were given",
                  algo, needed, given);
  }
  return data_arg(call, "workSpace", workspace, needed);
}

size_t filter_bytes(const emu_cudnn_filter* w) { return (size_t)w->k * w->c * w->h * w->w * sizeof(float); }

// The index of tap (r, s) of output channel k, input channel cl of its group in the packed filter;
// CUDNN_CONVOLUTION flips the filter, CUDNN_CROSS_CORRELATION does not.
inline int64_t tap(const Geometry& g, int k, int cl, int r, int s) {
  if (g.conv->mode == CUDNN_CONVOLUTION) {
    r = g.w->h - 1 - r;
    s = g.w->w - 1 - s;
  }
  return (((int64_t)k * g.cg + cl) * g.w->h + r) * g.w->w + s;
}

// The output columns ox whose input column ox * stride + offset lies in [0, width): [*lo, *hi).
inline void column_range(int offset, int stride, int width, int out_w, int* lo, int* hi) {
  int l = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int h = (width - 1 - offset) < 0 ? 0 : (width - 1 - offset) / stride + 1;
  *lo = l;
  *hi = std::min(h, out_w);
}

void forward(const Geometry& g, const float* x, const float* w, const emu_cudnn_tensor* yd, float* y, float alpha,
             float beta) {
  const emu_cudnn_tensor* xd = g.x;
  const emu_cudnn_convolution* c = g.conv;
  std::vector<double> acc(g.out_w);
  for (int n = 0; n < xd->n; n++) {
    for (int k = 0; k < g.w->k; k++) {
      int group = k / g.kg;
      for (int oy = 0; oy < g.out_h; oy++) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int cl = 0; cl < g.cg; cl++) {
          int ch = group * g.cg + cl;
          for (int r = 0; r < g.w->h; r++) {
            int iy = oy * c->stride_h - c->pad_h + r * c->dilation_h;
            if (iy < 0 || iy >= xd->h) continue;
            const float* row = x + at(xd, n, ch, iy, 0);
            for (int s = 0; s < g.w->w; s++) {
              double wv = w[tap(g, k, cl, r, s)];
              int offset = s * c->dilation_w - c->pad_w;
              int lo, hi;
              column_range(offset, c->stride_w, xd->w, g.out_w, &lo, &hi);
              const int64_t step = (int64_t)c->stride_w * xd->ws;
              const float* in = row + (int64_t)(lo * c->stride_w + offset) * xd->ws;
              for (int ox = lo; ox < hi; ox++, in += step) acc[ox] += wv * (double)*in;
            }
          }
        }
        for (int ox = 0; ox < g.out_w; ox++) blend(y + at(yd, n, k, oy, ox), acc[ox], alpha, beta);
      }
    }
  }
}

void backward_data(const Geometry& g, const float* w, const emu_cudnn_tensor* dyd, const float* dy,
                   const emu_cudnn_tensor* dxd, float* dx, float alpha, float beta) {
  const emu_cudnn_convolution* c = g.conv;
  int H = dxd->h, W = dxd->w;
  std::vector<double> acc((size_t)dxd->c * H * W);
  std::vector<double> dyrow(g.out_w);
  for (int n = 0; n < dxd->n; n++) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int k = 0; k < g.w->k; k++) {
      int group = k / g.kg;
      for (int oy = 0; oy < g.out_h; oy++) {
        for (int ox = 0; ox < g.out_w; ox++) dyrow[ox] = dy[at(dyd, n, k, oy, ox)];
        for (int cl = 0; cl < g.cg; cl++) {
          int ch = group * g.cg + cl;
          for (int r = 0; r < g.w->h; r++) {
            int iy = oy * c->stride_h - c->pad_h + r * c->dilation_h;
            if (iy < 0 || iy >= H) continue;
            double* row = acc.data() + ((size_t)ch * H + iy) * W;
            for (int s = 0; s < g.w->w; s++) {
              double wv = w[tap(g, k, cl, r, s)];
              int offset = s * c->dilation_w - c->pad_w;
              int lo, hi;
              column_range(offset, c->stride_w, W, g.out_w, &lo, &hi);
              double* out = row + lo * c->stride_w + offset;
              for (int ox = lo; ox < hi; ox++, out += c->stride_w) *out += wv * dyrow[ox];
            }
          }
        }
      }
    }
    for (int ch = 0; ch < dxd->c; ch++) {
      for (int iy = 0; iy < H; iy++) {
        const double* row = acc.data() + ((size_t)ch * H + iy) * W;
        for (int ix = 0; ix < W; ix++) blend(dx + at(dxd, n, ch, iy, ix), row[ix], alpha, beta);
      }
    }
  }
}

void backward_filter(const Geometry& g, const float* x, const emu_cudnn_tensor* dyd, const float* dy, float* dw,
                     float alpha, float beta) {
  const emu_cudnn_tensor* xd = g.x;
  const emu_cudnn_convolution* c = g.conv;
  for (int k = 0; k < g.w->k; k++) {
    int group = k / g.kg;
    for (int cl = 0; cl < g.cg; cl++) {
      int ch = group * g.cg + cl;
      for (int r = 0; r < g.w->h; r++) {
        for (int s = 0; s < g.w->w; s++) {
          int offset = s * c->dilation_w - c->pad_w;
          int lo, hi;
          column_range(offset, c->stride_w, xd->w, g.out_w, &lo, &hi);
          const int64_t step = (int64_t)c->stride_w * xd->ws;
          double sum = 0;
          for (int n = 0; n < xd->n; n++) {
            for (int oy = 0; oy < g.out_h; oy++) {
              int iy = oy * c->stride_h - c->pad_h + r * c->dilation_h;
              if (iy < 0 || iy >= xd->h) continue;
              const float* in = x + at(xd, n, ch, iy, 0) + (int64_t)(lo * c->stride_w + offset) * xd->ws;
              const float* grad = dy + at(dyd, n, k, oy, 0);
              for (int ox = lo; ox < hi; ox++, in += step) sum += (double)grad[(int64_t)ox * dyd->ws] * (double)*in;
            }
          }
          // The flipped tap of CUDNN_CONVOLUTION receives this gradient.
          blend(dw + tap(g, k, cl, r, s), sum, alpha, beta);
        }
      }
    }
  }
}

}  // namespace

// ---- descriptors' output size ---------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc,
                                                                          const cudnnTensorDescriptor_t inputTensorDesc,
                                                                          const cudnnFilterDescriptor_t filterDesc,
                                                                          int* n, int* c, int* h, int* w) {
  const char* fn = "cudnnGetConvolution2dForwardOutputDim";
  const emu_cudnn_tensor* x;
  const emu_cudnn_filter* f;
  const emu_cudnn_convolution* conv;
  EMU_CUDNN_TRY(convolution_arg(fn, convDesc, &conv));
  EMU_CUDNN_TRY(tensor_arg(fn, "inputTensorDesc", inputTensorDesc, &x));
  EMU_CUDNN_TRY(filter_arg(fn, "filterDesc", filterDesc, &f));
  if (!n || !c || !h || !w) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "an output pointer is NULL");
  Geometry g;
  EMU_CUDNN_TRY(geometry(fn, x, f, conv, &g));
  *n = x->n, *c = f->k, *h = g.out_h, *w = g.out_w;
  return CUDNN_STATUS_SUCCESS;
}

// ---- algorithm queries ------------------------------------------------------------------------

static cudnnStatus_t max_count(const char* fn, cudnnHandle_t handle, int* count, int value) {
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  if (count == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "count is NULL");
  *count = value;
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithmMaxCount(cudnnHandle_t handle, int* count) {
  return max_count("cudnnGetConvolutionForwardAlgorithmMaxCount", handle, count, CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithmMaxCount(cudnnHandle_t handle,
                                                                                     int* count) {
  return max_count("cudnnGetConvolutionBackwardDataAlgorithmMaxCount", handle, count,
                   CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(cudnnHandle_t handle,
                                                                                       int* count) {
  return max_count("cudnnGetConvolutionBackwardFilterAlgorithmMaxCount", handle, count,
                   CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT);
}

static cudnnStatus_t forward_algorithms(const char* fn, bool measured, cudnnHandle_t handle,
                                        cudnnTensorDescriptor_t xDesc, cudnnFilterDescriptor_t wDesc,
                                        cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc,
                                        int requested, int* returned, cudnnConvolutionFwdAlgoPerf_t* perf) {
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* y;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", wDesc, "wDesc", convDesc, yDesc, "yDesc", &g, &y));
  return algorithms<cudnnConvolutionFwdAlgoPerf_t, cudnnConvolutionFwdAlgo_t>(fn, FORWARD, measured, g, requested,
                                                                              returned, perf);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults) {
  return forward_algorithms("cudnnGetConvolutionForwardAlgorithm_v7", false, handle, xDesc, wDesc, convDesc, yDesc,
                            requestedAlgoCount, returnedAlgoCount, perfResults);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults) {
  return forward_algorithms("cudnnFindConvolutionForwardAlgorithm", true, handle, xDesc, wDesc, convDesc, yDesc,
                            requestedAlgoCount, returnedAlgoCount, perfResults);
}

static cudnnStatus_t backward_data_algorithms(const char* fn, bool measured, cudnnHandle_t handle,
                                              cudnnFilterDescriptor_t wDesc, cudnnTensorDescriptor_t dyDesc,
                                              cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc,
                                              int requested, int* returned,
                                              cudnnConvolutionBwdDataAlgoPerf_t* perf) {
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dy;
  EMU_CUDNN_TRY(describe(fn, dxDesc, "dxDesc", wDesc, "wDesc", convDesc, dyDesc, "dyDesc", &g, &dy));
  return algorithms<cudnnConvolutionBwdDataAlgoPerf_t, cudnnConvolutionBwdDataAlgo_t>(fn, BACKWARD_DATA, measured, g,
                                                                                      requested, returned, perf);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults) {
  return backward_data_algorithms("cudnnGetConvolutionBackwardDataAlgorithm_v7", false, handle, wDesc, dyDesc,
                                  convDesc, dxDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults) {
  return backward_data_algorithms("cudnnFindConvolutionBackwardDataAlgorithm", true, handle, wDesc, dyDesc, convDesc,
                                  dxDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
}

static cudnnStatus_t backward_filter_algorithms(const char* fn, bool measured, cudnnHandle_t handle,
                                                cudnnTensorDescriptor_t xDesc, cudnnTensorDescriptor_t dyDesc,
                                                cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc,
                                                int requested, int* returned,
                                                cudnnConvolutionBwdFilterAlgoPerf_t* perf) {
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dy;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", dwDesc, "dwDesc", convDesc, dyDesc, "dyDesc", &g, &dy));
  return algorithms<cudnnConvolutionBwdFilterAlgoPerf_t, cudnnConvolutionBwdFilterAlgo_t>(
      fn, BACKWARD_FILTER, measured, g, requested, returned, perf);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults) {
  return backward_filter_algorithms("cudnnGetConvolutionBackwardFilterAlgorithm_v7", false, handle, xDesc, dyDesc,
                                    convDesc, dwDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, int requestedAlgoCount,
    int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults) {
  return backward_filter_algorithms("cudnnFindConvolutionBackwardFilterAlgorithm", true, handle, xDesc, dyDesc,
                                    convDesc, dwDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
}

// ---- workspace sizes ----------------------------------------------------------------------------

static cudnnStatus_t workspace_size(const char* fn, Direction d, const Geometry& g, int algo, size_t* size) {
  if (size == nullptr) return refuse(CUDNN_STATUS_BAD_PARAM, fn, "sizeInBytes is NULL");
  const AlgoInfo* info;
  EMU_CUDNN_TRY(algorithm(fn, d, algo, &info));
  *size = workspace_bytes(d, algo, g);
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, cudnnConvolutionFwdAlgo_t algo,
    size_t* sizeInBytes) {
  const char* fn = "cudnnGetConvolutionForwardWorkspaceSize";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* y;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", wDesc, "wDesc", convDesc, yDesc, "yDesc", &g, &y));
  return workspace_size(fn, FORWARD, g, algo, sizeInBytes);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    cudnnConvolutionBwdDataAlgo_t algo, size_t* sizeInBytes) {
  const char* fn = "cudnnGetConvolutionBackwardDataWorkspaceSize";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dy;
  EMU_CUDNN_TRY(describe(fn, dxDesc, "dxDesc", wDesc, "wDesc", convDesc, dyDesc, "dyDesc", &g, &dy));
  return workspace_size(fn, BACKWARD_DATA, g, algo, sizeInBytes);
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    cudnnConvolutionBwdFilterAlgo_t algo, size_t* sizeInBytes) {
  const char* fn = "cudnnGetConvolutionBackwardFilterWorkspaceSize";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dy;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", gradDesc, "gradDesc", convDesc, dyDesc, "dyDesc", &g, &dy));
  return workspace_size(fn, BACKWARD_FILTER, g, algo, sizeInBytes);
}

// ---- the convolutions ---------------------------------------------------------------------------

extern "C" EMU_EXPORT cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha,
                                                            const cudnnTensorDescriptor_t xDesc, const void* x,
                                                            const cudnnFilterDescriptor_t wDesc, const void* w,
                                                            const cudnnConvolutionDescriptor_t convDesc,
                                                            cudnnConvolutionFwdAlgo_t algo, void* workSpace,
                                                            size_t workSpaceSizeInBytes, const void* beta,
                                                            const cudnnTensorDescriptor_t yDesc, void* y) {
  const char* fn = "cudnnConvolutionForward";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* yd;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", wDesc, "wDesc", convDesc, yDesc, "yDesc", &g, &yd));
  const AlgoInfo* info;
  EMU_CUDNN_TRY(algorithm(fn, FORWARD, algo, &info));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(workspace_arg(call, FORWARD, algo, g, workSpace, workSpaceSizeInBytes));
  EMU_CUDNN_TRY(tensor_data(call, "x", g.x, x));
  EMU_CUDNN_TRY(data_arg(call, "w", w, filter_bytes(g.w)));
  EMU_CUDNN_TRY(tensor_data(call, "y", yd, y));
  forward(g, (const float*)x, (const float*)w, yd, (float*)y, a, b);
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha,
                                                                 const cudnnFilterDescriptor_t wDesc, const void* w,
                                                                 const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                                 const cudnnConvolutionDescriptor_t convDesc,
                                                                 cudnnConvolutionBwdDataAlgo_t algo, void* workSpace,
                                                                 size_t workSpaceSizeInBytes, const void* beta,
                                                                 const cudnnTensorDescriptor_t dxDesc, void* dx) {
  const char* fn = "cudnnConvolutionBackwardData";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dyd;
  EMU_CUDNN_TRY(describe(fn, dxDesc, "dxDesc", wDesc, "wDesc", convDesc, dyDesc, "dyDesc", &g, &dyd));
  const AlgoInfo* info;
  EMU_CUDNN_TRY(algorithm(fn, BACKWARD_DATA, algo, &info));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(workspace_arg(call, BACKWARD_DATA, algo, g, workSpace, workSpaceSizeInBytes));
  EMU_CUDNN_TRY(data_arg(call, "w", w, filter_bytes(g.w)));
  EMU_CUDNN_TRY(tensor_data(call, "dy", dyd, dy));
  EMU_CUDNN_TRY(tensor_data(call, "dx", g.x, dx));
  backward_data(g, (const float*)w, dyd, (const float*)dy, g.x, (float*)dx, a, b);
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(
    cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
    const cudnnTensorDescriptor_t dyDesc, const void* dy, const cudnnConvolutionDescriptor_t convDesc,
    cudnnConvolutionBwdFilterAlgo_t algo, void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
    const cudnnFilterDescriptor_t dwDesc, void* dw) {
  const char* fn = "cudnnConvolutionBackwardFilter";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  Geometry g;
  const emu_cudnn_tensor* dyd;
  EMU_CUDNN_TRY(describe(fn, xDesc, "xDesc", dwDesc, "dwDesc", convDesc, dyDesc, "dyDesc", &g, &dyd));
  const AlgoInfo* info;
  EMU_CUDNN_TRY(algorithm(fn, BACKWARD_FILTER, algo, &info));
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(workspace_arg(call, BACKWARD_FILTER, algo, g, workSpace, workSpaceSizeInBytes));
  EMU_CUDNN_TRY(tensor_data(call, "x", g.x, x));
  EMU_CUDNN_TRY(tensor_data(call, "dy", dyd, dy));
  EMU_CUDNN_TRY(data_arg(call, "dw", dw, filter_bytes(g.w)));
  backward_filter(g, (const float*)x, dyd, (const float*)dy, (float*)dw, a, b);
  return CUDNN_STATUS_SUCCESS;
}

extern "C" EMU_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void* alpha,
                                                                 const cudnnTensorDescriptor_t dyDesc, const void* dy,
                                                                 const void* beta,
                                                                 const cudnnTensorDescriptor_t dbDesc, void* db) {
  const char* fn = "cudnnConvolutionBackwardBias";
  Call call;
  EMU_CUDNN_TRY(begin(fn, handle, &call));
  const emu_cudnn_tensor* dyd;
  const emu_cudnn_tensor* dbd;
  EMU_CUDNN_TRY(tensor_arg(fn, "dyDesc", dyDesc, &dyd));
  EMU_CUDNN_TRY(tensor_arg(fn, "dbDesc", dbDesc, &dbd));
  if (dbd->n != 1 || dbd->c != dyd->c || dbd->h != 1 || dbd->w != 1) {
    return refuse(CUDNN_STATUS_BAD_PARAM, fn, "dbDesc is %s but must be 1x%dx1x1 for dy %s", dims(dbd).c_str(),
                  dyd->c, dims(dyd).c_str());
  }
  float a, b;
  EMU_CUDNN_TRY(scalars(call, alpha, beta, &a, &b));
  EMU_CUDNN_TRY(tensor_data(call, "dy", dyd, dy));
  EMU_CUDNN_TRY(tensor_data(call, "db", dbd, db));
  const float* in = (const float*)dy;
  for (int c = 0; c < dyd->c; c++) {
    double sum = 0;
    for (int n = 0; n < dyd->n; n++) {
      for (int h = 0; h < dyd->h; h++) {
        const float* row = in + at(dyd, n, c, h, 0);
        for (int w = 0; w < dyd->w; w++) sum += row[(int64_t)w * dyd->ws];
      }
    }
    blend((float*)db + at(dbd, 0, c, 0, 0), sum, a, b);
  }
  return CUDNN_STATUS_SUCCESS;
}
