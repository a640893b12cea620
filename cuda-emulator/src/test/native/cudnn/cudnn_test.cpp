// The emulated cuDNN against naive double references, and what it refuses.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chrono>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "emu_core.h"
#include "emu_cudnn.h"

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)
#define OK(call) CHECK((call) == CUDNN_STATUS_SUCCESS)

static const float kOne = 1.0f, kZero = 0.0f;
static std::mt19937 rng(42);

// Device memory on device 0 with random values in [-1, 1).
static float* device_floats(size_t count, int device = 0) {
  emu_status s;
  float* p = (float*)emu_device_alloc(device, count * sizeof(float), &s);
  if (p == nullptr) {
    fprintf(stderr, "device alloc failed\n");
    exit(1);
  }
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (size_t i = 0; i < count; i++) p[i] = d(rng);
  return p;
}

// max |a - b| / max(1, |b|)
static double max_error(const float* a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < b.size(); i++) {
    double e = fabs((double)a[i] - b[i]) / std::max(1.0, fabs(b[i]));
    if (!(e <= worst)) worst = e;  // NaN counts as worst
  }
  return worst;
}

static cudnnTensorDescriptor_t tensor(int n, int c, int h, int w) {
  cudnnTensorDescriptor_t d;
  OK(cudnnCreateTensorDescriptor(&d));
  OK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, n, c, h, w, c * h * w, h * w, w, 1));
  return d;
}

// ---- convolution ------------------------------------------------------------------------------

struct ConvCase {
  int n, c, h, w, k, kh, kw, pad_h, pad_w, sh, sw, groups, dil;
  cudnnConvolutionMode_t mode;
};

static void test_convolution(cudnnHandle_t handle, const ConvCase& t) {
  int cg = t.c / t.groups, kg = t.k / t.groups;
  cudnnTensorDescriptor_t xd = tensor(t.n, t.c, t.h, t.w);
  cudnnFilterDescriptor_t wd;
  OK(cudnnCreateFilterDescriptor(&wd));
  OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, t.k, cg, t.kh, t.kw));
  cudnnConvolutionDescriptor_t cd;
  OK(cudnnCreateConvolutionDescriptor(&cd));
  OK(cudnnSetConvolution2dDescriptor(cd, t.pad_h, t.pad_w, t.sh, t.sw, t.dil, t.dil, t.mode, CUDNN_DATA_FLOAT));
  OK(cudnnSetConvolutionGroupCount(cd, t.groups));
  OK(cudnnSetConvolutionMathType(cd, CUDNN_FMA_MATH));
  int on, oc, oh, ow;
  OK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &on, &oc, &oh, &ow));
  int eh = (t.kh - 1) * t.dil + 1, ew = (t.kw - 1) * t.dil + 1;
  CHECK(on == t.n && oc == t.k);
  CHECK(oh == 1 + (t.h + 2 * t.pad_h - eh) / t.sh && ow == 1 + (t.w + 2 * t.pad_w - ew) / t.sw);
  cudnnTensorDescriptor_t yd = tensor(on, oc, oh, ow);

  size_t xs = (size_t)t.n * t.c * t.h * t.w, ws = (size_t)t.k * cg * t.kh * t.kw, ys = (size_t)on * oc * oh * ow;
  float* x = device_floats(xs);
  float* w = device_floats(ws);
  float* y = device_floats(ys);
  float* dy = device_floats(ys);
  float* dx = device_floats(xs);
  float* dw = device_floats(ws);

  // Reference: y[n,k,oy,ox] = sum w[k,cl,r,s] x[n, g*cg+cl, oy*sh-ph+r*d, ox*sw-pw+s*d]
  std::vector<double> ry(ys, 0.0), rdx(xs, 0.0), rdw(ws, 0.0);
  for (int n = 0; n < t.n; n++)
    for (int k = 0; k < t.k; k++)
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          for (int cl = 0; cl < cg; cl++)
            for (int r = 0; r < t.kh; r++)
              for (int s = 0; s < t.kw; s++) {
                int c = (k / kg) * cg + cl;
                int iy = oy * t.sh - t.pad_h + r * t.dil, ix = ox * t.sw - t.pad_w + s * t.dil;
                if (iy < 0 || iy >= t.h || ix < 0 || ix >= t.w) continue;
                int rr = t.mode == CUDNN_CONVOLUTION ? t.kh - 1 - r : r;
                int ss = t.mode == CUDNN_CONVOLUTION ? t.kw - 1 - s : s;
                size_t wi = (((size_t)k * cg + cl) * t.kh + rr) * t.kw + ss;
                size_t xi = (((size_t)n * t.c + c) * t.h + iy) * t.w + ix;
                size_t yi = (((size_t)n * t.k + k) * oh + oy) * ow + ox;
                ry[yi] += (double)w[wi] * x[xi];
                rdx[xi] += (double)w[wi] * dy[yi];
                rdw[wi] += (double)dy[yi] * x[xi];
              }

  // Algorithms: heuristic and measured lists, workspace sizes.
  cudnnConvolutionFwdAlgoPerf_t fperf[16];
  int count = 0;
  OK(cudnnGetConvolutionForwardAlgorithm_v7(handle, xd, wd, cd, yd, 16, &count, fperf));
  CHECK(count == CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
  CHECK(fperf[0].status == CUDNN_STATUS_SUCCESS && fperf[0].mathType == CUDNN_FMA_MATH);
  CHECK(fperf[count - 1].status == CUDNN_STATUS_NOT_SUPPORTED);
  OK(cudnnFindConvolutionForwardAlgorithm(handle, xd, wd, cd, yd, 2, &count, fperf));
  CHECK(count == 2 && fperf[0].time <= fperf[1].time && fperf[0].time > 0);
  cudnnConvolutionBwdDataAlgoPerf_t dperf[16];
  OK(cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, wd, yd, cd, xd, 16, &count, dperf));
  CHECK(count == CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT && dperf[0].status == CUDNN_STATUS_SUCCESS);
  cudnnConvolutionBwdFilterAlgoPerf_t wperf[16];
  OK(cudnnFindConvolutionBackwardFilterAlgorithm(handle, xd, yd, cd, wd, 16, &count, wperf));
  CHECK(count == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT && wperf[0].status == CUDNN_STATUS_SUCCESS);

  size_t ws_bytes = 0;
  OK(cudnnGetConvolutionForwardWorkspaceSize(handle, xd, wd, cd, yd, CUDNN_CONVOLUTION_FWD_ALGO_GEMM, &ws_bytes));
  CHECK(ws_bytes > 0);
  emu_status st;
  void* workspace = emu_device_alloc(0, ws_bytes, &st);

  for (int algo : {0, 1, 2}) {
    size_t need = 0;
    OK(cudnnGetConvolutionForwardWorkspaceSize(handle, xd, wd, cd, yd, (cudnnConvolutionFwdAlgo_t)algo, &need));
    OK(cudnnConvolutionForward(handle, &kOne, xd, x, wd, w, cd, (cudnnConvolutionFwdAlgo_t)algo,
                               need ? workspace : nullptr, need, &kZero, yd, y));
    CHECK(max_error(y, ry) < 1e-5);
  }
  // A workspace too small for the algorithm.
  CHECK(cudnnConvolutionForward(handle, &kOne, xd, x, wd, w, cd, CUDNN_CONVOLUTION_FWD_ALGO_GEMM, workspace,
                                ws_bytes - 1, &kZero, yd, y) == CUDNN_STATUS_BAD_PARAM);
  // An algorithm the emulator does not implement, and one that does not exist.
  CHECK(cudnnConvolutionForward(handle, &kOne, xd, x, wd, w, cd, CUDNN_CONVOLUTION_FWD_ALGO_FFT, workspace, ws_bytes,
                                &kZero, yd, y) == CUDNN_STATUS_NOT_SUPPORTED);
  CHECK(cudnnConvolutionForward(handle, &kOne, xd, x, wd, w, cd, (cudnnConvolutionFwdAlgo_t)42, workspace, ws_bytes,
                                &kZero, yd, y) == CUDNN_STATUS_BAD_PARAM);

  // Blending: y = 2 op + 0.5 y.
  std::vector<double> blended(ys);
  for (size_t i = 0; i < ys; i++) blended[i] = 2 * ry[i] + 0.5 * (double)y[i];
  float two = 2.0f, half = 0.5f;
  OK(cudnnConvolutionForward(handle, &two, xd, x, wd, w, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0,
                             &half, yd, y));
  CHECK(max_error(y, blended) < 1e-5);

  size_t need = 0;
  OK(cudnnGetConvolutionBackwardDataWorkspaceSize(handle, wd, yd, cd, xd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, &need));
  void* dws = need ? emu_device_alloc(0, need, &st) : nullptr;
  for (size_t i = 0; i < xs; i++) dx[i] = NAN;  // beta = 0: dx is not read
  OK(cudnnConvolutionBackwardData(handle, &kOne, wd, w, yd, dy, cd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, dws, need,
                                  &kZero, xd, dx));
  CHECK(max_error(dx, rdx) < 1e-5);
  if (need) {
    CHECK(cudnnConvolutionBackwardData(handle, &kOne, wd, w, yd, dy, cd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, dws,
                                       need - 4, &kZero, xd, dx) == CUDNN_STATUS_BAD_PARAM);
    emu_device_free(dws);
  }
  OK(cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, xd, yd, cd, wd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3,
                                                    &need));
  void* fws = need ? emu_device_alloc(0, need, &st) : nullptr;
  OK(cudnnConvolutionBackwardFilter(handle, &kOne, xd, x, yd, dy, cd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3, fws, need,
                                    &kZero, wd, dw));
  CHECK(max_error(dw, rdw) < 1e-5);
  OK(cudnnConvolutionBackwardFilter(handle, &kOne, xd, x, yd, dy, cd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, nullptr, 0,
                                    &kZero, wd, dw));
  CHECK(max_error(dw, rdw) < 1e-5);
  if (fws) emu_device_free(fws);

  // Bias gradient and bias addition (1 x K x 1 x 1 broadcast).
  cudnnTensorDescriptor_t bd = tensor(1, t.k, 1, 1);
  float* db = device_floats(t.k);
  std::vector<double> rdb(t.k, 0.0), ryb(ys);
  for (size_t i = 0; i < ys; i++) rdb[i / ((size_t)oh * ow) % t.k] += dy[i];
  OK(cudnnConvolutionBackwardBias(handle, &kOne, yd, dy, &kZero, bd, db));
  CHECK(max_error(db, rdb) < 1e-5);
  for (size_t i = 0; i < ys; i++) ryb[i] = (double)y[i] + db[i / ((size_t)oh * ow) % t.k];
  OK(cudnnAddTensor(handle, &kOne, bd, db, &kOne, yd, y));
  CHECK(max_error(y, ryb) < 1e-5);

  OK(cudnnDestroyTensorDescriptor(bd));
  emu_device_free(db);
  emu_device_free(workspace);
  for (float* p : {x, w, y, dy, dx, dw}) emu_device_free(p);
  OK(cudnnDestroyTensorDescriptor(xd));
  OK(cudnnDestroyTensorDescriptor(yd));
  OK(cudnnDestroyFilterDescriptor(wd));
  OK(cudnnDestroyConvolutionDescriptor(cd));
}

static void test_convolution_refusals(cudnnHandle_t handle) {
  cudnnTensorDescriptor_t xd = tensor(2, 6, 8, 8), yd = tensor(2, 4, 8, 8);
  cudnnFilterDescriptor_t wd;
  OK(cudnnCreateFilterDescriptor(&wd));
  cudnnConvolutionDescriptor_t cd;
  OK(cudnnCreateConvolutionDescriptor(&cd));
  int n, c, h, w;
  // Never set.
  CHECK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &n, &c, &h, &w) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetConvolution2dDescriptor(cd, -1, 0, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT) ==
        CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetConvolution2dDescriptor(cd, 1, 1, 0, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT) ==
        CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetConvolution2dDescriptor(cd, 1, 1, 1, 1, 1, 1, (cudnnConvolutionMode_t)7, CUDNN_DATA_FLOAT) ==
        CUDNN_STATUS_BAD_PARAM);
  OK(cudnnSetConvolution2dDescriptor(cd, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  CHECK(cudnnSetConvolutionGroupCount(cd, 0) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetConvolutionMathType(cd, (cudnnMathType_t)9) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 4, 0, 3, 3) == CUDNN_STATUS_BAD_PARAM);
  // Filter takes 5 channels, input has 6.
  OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 4, 5, 3, 3));
  CHECK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &n, &c, &h, &w) == CUDNN_STATUS_BAD_PARAM);
  // 4 groups do not divide 6 channels.
  OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 4, 3, 3, 3));
  OK(cudnnSetConvolutionGroupCount(cd, 4));
  CHECK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &n, &c, &h, &w) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnSetConvolutionGroupCount(cd, 2));
  OK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &n, &c, &h, &w));
  CHECK(n == 2 && c == 4 && h == 8 && w == 8);
  // Output descriptor of the wrong size.
  cudnnTensorDescriptor_t bad = tensor(2, 4, 7, 8);
  cudnnConvolutionFwdAlgoPerf_t perf[8];
  int count;
  CHECK(cudnnGetConvolutionForwardAlgorithm_v7(handle, xd, wd, cd, bad, 8, &count, perf) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnGetConvolutionForwardAlgorithm_v7(handle, xd, wd, cd, yd, 0, &count, perf) == CUDNN_STATUS_BAD_PARAM);

  // Memory: NULL, host memory, too small, freed, another device's.
  float* x = device_floats(2 * 6 * 8 * 8);
  float* wt = device_floats(4 * 3 * 3 * 3);
  float* y = device_floats(2 * 4 * 8 * 8);
  float* small = device_floats(10);
  float* other = device_floats(2 * 4 * 8 * 8, 1);
  std::vector<float> host(2 * 6 * 8 * 8);
  auto fwd = [&](const void* xp, void* yp) {
    return cudnnConvolutionForward(handle, &kOne, xd, xp, wd, wt, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM,
                                   nullptr, 0, &kZero, yd, yp);
  };
  OK(fwd(x, y));
  CHECK(fwd(nullptr, y) == CUDNN_STATUS_BAD_PARAM);
  CHECK(fwd(host.data(), y) == CUDNN_STATUS_EXECUTION_FAILED);
  CHECK(fwd(x, small) == CUDNN_STATUS_EXECUTION_FAILED);
  CHECK(fwd(x, other) == CUDNN_STATUS_EXECUTION_FAILED);
  emu_device_free(small);
  CHECK(fwd(small, y) == CUDNN_STATUS_EXECUTION_FAILED);
  // alpha in device memory.
  CHECK(cudnnConvolutionForward(handle, x, xd, x, wd, wt, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0,
                                &kZero, yd, y) == CUDNN_STATUS_BAD_PARAM);
  // A destroyed descriptor.
  OK(cudnnDestroyTensorDescriptor(bad));
  CHECK(cudnnConvolutionForward(handle, &kOne, bad, x, wd, wt, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr,
                                0, &kZero, yd, y) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnDestroyTensorDescriptor(bad) == CUDNN_STATUS_BAD_PARAM);

  for (float* p : {x, wt, y, other}) emu_device_free(p);
  OK(cudnnDestroyTensorDescriptor(xd));
  OK(cudnnDestroyTensorDescriptor(yd));
  OK(cudnnDestroyFilterDescriptor(wd));
  OK(cudnnDestroyConvolutionDescriptor(cd));
}

// ---- LRN ----------------------------------------------------------------------------------------

// y_c = x_c / (k + alpha/n * sum_{j in window(c)} x_j^2)^beta over one column of C values.
static void lrn_ref(const std::vector<double>& x, int size, double alpha, double beta, double k,
                    std::vector<double>& y) {
  int C = (int)x.size();
  for (int c = 0; c < C; c++) {
    int lo = c - (size - 1) / 2, hi = lo + size - 1;
    double sum = 0;
    for (int j = std::max(lo, 0); j <= std::min(hi, C - 1); j++) sum += x[j] * x[j];
    y[c] = x[c] / pow(k + alpha / size * sum, beta);
  }
}

static void test_lrn(cudnnHandle_t handle, int size, int groups) {
  const int N = 2, C = 12, H = 3, W = 4, CG = C / groups;
  const double alpha = 1e-4 * size * 50, beta = 0.75, k = 2.0;  // a large alpha, so the window matters
  cudnnLRNDescriptor_t ld;
  OK(cudnnCreateLRNDescriptor(&ld));
  OK(cudnnSetLRNDescriptor(ld, size, alpha, beta, k));
  // A channel slice: CG channels, the whole tensor's strides.
  cudnnTensorDescriptor_t sd;
  OK(cudnnCreateTensorDescriptor(&sd));
  OK(cudnnSetTensor4dDescriptorEx(sd, CUDNN_DATA_FLOAT, N, CG, H, W, C * H * W, H * W, W, 1));
  size_t total = (size_t)N * C * H * W;
  float* x = device_floats(total);
  for (size_t i = 0; i < total; i++) x[i] *= 3;
  float* y = device_floats(total);
  float* dy = device_floats(total);
  float* dx = device_floats(total);
  for (int g = 0; g < groups; g++) {
    size_t off = (size_t)g * CG * H * W;
    OK(cudnnLRNCrossChannelForward(handle, ld, CUDNN_LRN_CROSS_CHANNEL_DIM1, &kOne, sd, x + off, &kZero, sd, y + off));
    OK(cudnnLRNCrossChannelBackward(handle, ld, CUDNN_LRN_CROSS_CHANNEL_DIM1, &kOne, sd, y + off, sd, dy + off, sd,
                                    x + off, &kZero, sd, dx + off));
  }
  std::vector<double> ry(total), rdx(total);
  std::vector<double> col(CG), out(CG), plus(CG), minus(CG);
  for (int n = 0; n < N; n++)
    for (int g = 0; g < groups; g++)
      for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++) {
          auto idx = [&](int cl) { return (((size_t)n * C + g * CG + cl) * H + h) * W + w; };
          for (int cl = 0; cl < CG; cl++) col[cl] = x[idx(cl)];
          lrn_ref(col, size, alpha, beta, k, out);
          for (int cl = 0; cl < CG; cl++) ry[idx(cl)] = out[cl];
          // dx_i = d/dx_i sum_c dy_c y_c(x), by central differences in double.
          for (int i = 0; i < CG; i++) {
            const double e = 1e-6;
            std::vector<double> xp = col, xm = col;
            xp[i] += e;
            xm[i] -= e;
            lrn_ref(xp, size, alpha, beta, k, plus);
            lrn_ref(xm, size, alpha, beta, k, minus);
            double d = 0;
            for (int c = 0; c < CG; c++) d += dy[idx(c)] * (plus[c] - minus[c]) / (2 * e);
            rdx[idx(i)] = d;
          }
        }
  CHECK(max_error(y, ry) < 1e-5);
  CHECK(max_error(dx, rdx) < 1e-5);
  OK(cudnnDestroyTensorDescriptor(sd));
  OK(cudnnDestroyLRNDescriptor(ld));
  for (float* p : {x, y, dy, dx}) emu_device_free(p);
}

static void test_lrn_refusals(cudnnHandle_t handle) {
  cudnnLRNDescriptor_t ld;
  OK(cudnnCreateLRNDescriptor(&ld));
  unsigned n;
  double a, b, k;
  OK(cudnnGetLRNDescriptor(ld, &n, &a, &b, &k));
  CHECK(n == 5 && a == 1e-4 && b == 0.75 && k == 2.0);
  CHECK(cudnnSetLRNDescriptor(ld, 0, 1e-4, 0.75, 2) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetLRNDescriptor(ld, 17, 1e-4, 0.75, 2) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetLRNDescriptor(ld, 5, 1e-4, 0.75, 1e-6) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetLRNDescriptor(ld, 5, 1e-4, 0.001, 2) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnSetLRNDescriptor(ld, 16, 1e-4, 0.01, 1e-5));
  cudnnTensorDescriptor_t xd = tensor(1, 4, 2, 2), yd = tensor(1, 4, 2, 3);
  float* x = device_floats(16);
  float* y = device_floats(24);
  CHECK(cudnnLRNCrossChannelForward(handle, ld, CUDNN_LRN_CROSS_CHANNEL_DIM1, &kOne, xd, x, &kZero, yd, y) ==
        CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnLRNCrossChannelForward(handle, ld, (cudnnLRNMode_t)1, &kOne, xd, x, &kZero, xd, y) ==
        CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyLRNDescriptor(ld));
  CHECK(cudnnLRNCrossChannelForward(handle, ld, CUDNN_LRN_CROSS_CHANNEL_DIM1, &kOne, xd, x, &kZero, xd, y) ==
        CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnDestroyLRNDescriptor(ld) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyTensorDescriptor(xd));
  OK(cudnnDestroyTensorDescriptor(yd));
  emu_device_free(x);
  emu_device_free(y);
}

// ---- pooling ------------------------------------------------------------------------------------

static void test_pooling(cudnnHandle_t handle, int window, int stride, int pad) {
  const int N = 2, C = 3, H = 9, W = 7;
  int oh = 1 + (H + 2 * pad - window) / stride, ow = 1 + (W + 2 * pad - window) / stride;
  cudnnPoolingDescriptor_t pd;
  OK(cudnnCreatePoolingDescriptor(&pd));
  OK(cudnnSetPooling2dDescriptor(pd, CUDNN_POOLING_MAX_DETERMINISTIC, CUDNN_PROPAGATE_NAN, window, window, pad, pad,
                                 stride, stride));
  cudnnTensorDescriptor_t xd = tensor(N, C, H, W);
  int n, c, h, w;
  OK(cudnnGetPooling2dForwardOutputDim(pd, xd, &n, &c, &h, &w));
  CHECK(n == N && c == C && h == oh && w == ow);
  cudnnTensorDescriptor_t yd = tensor(N, C, oh, ow);
  size_t xs = (size_t)N * C * H * W, ys = (size_t)N * C * oh * ow;
  float* x = device_floats(xs);
  for (size_t i = 0; i < xs; i++) x[i] = -2.0f - (float)((i * 7) % 5);  // all negative, with ties
  float* y = device_floats(ys);
  float* dy = device_floats(ys);
  float* dx = device_floats(xs);
  OK(cudnnPoolingForward(handle, pd, &kOne, xd, x, &kZero, yd, y));
  OK(cudnnPoolingBackward(handle, pd, &kOne, yd, y, yd, dy, xd, x, &kZero, xd, dx));
  std::vector<double> ry(ys), rdx(xs, 0.0);
  for (int n2 = 0; n2 < N; n2++)
    for (int c2 = 0; c2 < C; c2++)
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
          double best = -INFINITY;
          size_t arg = 0;
          for (int r = 0; r < window; r++)
            for (int s = 0; s < window; s++) {
              int iy = oy * stride - pad + r, ix = ox * stride - pad + s;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              size_t i = (((size_t)n2 * C + c2) * H + iy) * W + ix;
              if (x[i] > best) best = x[i], arg = i;
            }
          size_t o = (((size_t)n2 * C + c2) * oh + oy) * ow + ox;
          ry[o] = best;
          rdx[arg] += dy[o];
        }
  CHECK(max_error(y, ry) < 1e-6);
  CHECK(max_error(dx, rdx) < 1e-6);

  // Wrong output size; bad descriptor values.
  cudnnTensorDescriptor_t bad = tensor(N, C, oh + 1, ow);
  CHECK(cudnnPoolingForward(handle, pd, &kOne, xd, x, &kZero, bad, y) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetPooling2dDescriptor(pd, CUDNN_POOLING_MAX, CUDNN_PROPAGATE_NAN, 0, 3, 0, 0, 1, 1) ==
        CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetPooling2dDescriptor(pd, CUDNN_POOLING_MAX, CUDNN_PROPAGATE_NAN, 3, 3, 0, 0, 1, 0) ==
        CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyTensorDescriptor(bad));
  OK(cudnnDestroyTensorDescriptor(xd));
  OK(cudnnDestroyTensorDescriptor(yd));
  OK(cudnnDestroyPoolingDescriptor(pd));
  for (float* p : {x, y, dy, dx}) emu_device_free(p);
}

// ---- softmax and activation ---------------------------------------------------------------------

static void test_softmax(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode) {
  const int N = 3, C = 5, H = 2, W = 2;
  cudnnTensorDescriptor_t d = tensor(N, C, H, W);
  size_t total = (size_t)N * C * H * W;
  float* x = device_floats(total);
  for (size_t i = 0; i < total; i++) x[i] *= 20;
  float* y = device_floats(total);
  OK(cudnnSoftmaxForward(handle, algo, mode, &kOne, d, x, &kZero, d, y));
  std::vector<double> ry(total);
  auto group = [&](std::vector<size_t> idx) {
    double m = -INFINITY, s = 0;
    for (size_t i : idx) m = std::max(m, (double)x[i]);
    for (size_t i : idx) s += exp(x[i] - m);
    for (size_t i : idx) ry[i] = algo == CUDNN_SOFTMAX_LOG ? x[i] - m - log(s) : exp(x[i] - m) / s;
  };
  for (int n = 0; n < N; n++) {
    if (mode == CUDNN_SOFTMAX_MODE_INSTANCE) {
      std::vector<size_t> idx;
      for (int i = 0; i < C * H * W; i++) idx.push_back((size_t)n * C * H * W + i);
      group(idx);
    } else {
      for (int p = 0; p < H * W; p++) {
        std::vector<size_t> idx;
        for (int c = 0; c < C; c++) idx.push_back((size_t)n * C * H * W + c * H * W + p);
        group(idx);
      }
    }
  }
  CHECK(max_error(y, ry) < 1e-5);
  CHECK(cudnnSoftmaxForward(handle, algo, (cudnnSoftmaxMode_t)5, &kOne, d, x, &kZero, d, y) ==
        CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyTensorDescriptor(d));
  emu_device_free(x);
  emu_device_free(y);
}

static void test_activation(cudnnHandle_t handle) {
  cudnnActivationDescriptor_t ad;
  OK(cudnnCreateActivationDescriptor(&ad));
  OK(cudnnSetActivationDescriptor(ad, CUDNN_ACTIVATION_RELU, CUDNN_PROPAGATE_NAN, 0.0));
  cudnnTensorDescriptor_t d = tensor(1, 6, 1, 1);
  float* x = device_floats(6);
  float* y = device_floats(6);
  float* dy = device_floats(6);
  float* dx = device_floats(6);
  const float xs[6] = {-1.0f, 0.0f, 2.0f, NAN, INFINITY, -INFINITY};
  memcpy(x, xs, sizeof xs);
  for (int i = 0; i < 6; i++) dy[i] = (float)(i + 1);
  OK(cudnnActivationForward(handle, ad, &kOne, d, x, &kZero, d, y));
  CHECK(y[0] == 0 && y[1] == 0 && y[2] == 2 && isnan(y[3]) && isinf(y[4]) && y[5] == 0);
  OK(cudnnActivationBackward(handle, ad, &kOne, d, y, d, dy, d, x, &kZero, d, dx));
  CHECK(dx[0] == 0 && dx[1] == 0 && dx[2] == 3 && dx[3] == 0 && dx[4] == 5 && dx[5] == 0);
  OK(cudnnSetActivationDescriptor(ad, CUDNN_ACTIVATION_TANH, CUDNN_PROPAGATE_NAN, 0.0));
  OK(cudnnActivationForward(handle, ad, &kOne, d, x, &kZero, d, y));
  CHECK(fabsf(y[2] - tanhf(2.0f)) < 1e-6);
  CHECK(cudnnSetActivationDescriptor(ad, (cudnnActivationMode_t)11, CUDNN_PROPAGATE_NAN, 0.0) ==
        CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyActivationDescriptor(ad));
  CHECK(cudnnActivationForward(handle, ad, &kOne, d, x, &kZero, d, y) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroyTensorDescriptor(d));
  for (float* p : {x, y, dy, dx}) emu_device_free(p);
}

// ---- handles, streams, tensor descriptors --------------------------------------------------------

static void test_handles() {
  CHECK(cudnnGetVersion() == 8401);
  CHECK(strcmp(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM), "CUDNN_STATUS_BAD_PARAM") == 0);
  cudnnHandle_t h0, h1;
  OK(cudnnCreate(&h0));
  CHECK(emu_set_current_device(1) == 0);
  OK(cudnnCreate(&h1));
  emu_stream* s1 = emu_stream_create(1);
  CHECK(emu_set_current_device(0) == 0);
  emu_stream* s0 = emu_stream_create(0);
  OK(cudnnSetStream(h0, s0));
  OK(cudnnSetStream(h0, nullptr));
  OK(cudnnSetStream(h1, s1));
  CHECK(cudnnSetStream(h0, s1) == CUDNN_STATUS_BAD_PARAM);
  emu_cudnn_stream got;
  OK(cudnnGetStream(h1, &got));
  CHECK(got == s1);
  // A handle of device 1 refuses device 0's memory.
  cudnnTensorDescriptor_t d = tensor(1, 4, 1, 1);
  float* a0 = device_floats(4, 0);
  float* a1 = device_floats(4, 1);
  OK(cudnnAddTensor(h1, &kOne, d, a1, &kOne, d, a1));
  CHECK(cudnnAddTensor(h1, &kOne, d, a0, &kOne, d, a1) == CUDNN_STATUS_EXECUTION_FAILED);
  // A destroyed stream.
  emu_stream_destroy(s1);
  CHECK(cudnnAddTensor(h1, &kOne, d, a1, &kOne, d, a1) == CUDNN_STATUS_EXECUTION_FAILED);
  emu_stream_destroy(s0);
  OK(cudnnDestroy(h1));
  CHECK(cudnnDestroy(h1) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnAddTensor(h1, &kOne, d, a1, &kOne, d, a1) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnDestroy(h0));

  // Tensor descriptor values.
  CHECK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 0, 1, 1, 1, 1, 1, 1, 1) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 2, 3, 4, 5, 60, 20, 5, 2) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 2, 3, 4, 5, 40, 20, 5, 1) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetTensor4dDescriptorEx(d, (cudnnDataType_t)99, 2, 3, 4, 5, 60, 20, 5, 1) == CUDNN_STATUS_BAD_PARAM);
  OK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 2, 3, 4, 5, 120, 20, 5, 1));  // padded batch stride
  OK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 1, 3, 1, 1, 7, 1, 1, 1));     // size-1 dims any stride
  OK(cudnnDestroyTensorDescriptor(d));
  CHECK(cudnnDestroyTensorDescriptor(d) == CUDNN_STATUS_BAD_PARAM);
  CHECK(cudnnSetTensor4dDescriptorEx(d, CUDNN_DATA_FLOAT, 1, 1, 1, 1, 1, 1, 1, 1) == CUDNN_STATUS_BAD_PARAM);
  emu_device_free(a0);
  emu_device_free(a1);
}

// ---- AlexNet's convolution layers at batch 2, forward and backward: the time they take ----------

static void time_alexnet(cudnnHandle_t handle) {
  struct Layer {
    int c, h, k, kernel, stride, pad, groups;
  };
  const Layer layers[] = {{3, 227, 96, 11, 4, 0, 1},
                          {96, 27, 256, 5, 1, 2, 2},
                          {256, 13, 384, 3, 1, 1, 1},
                          {384, 13, 384, 3, 1, 1, 2},
                          {384, 13, 256, 3, 1, 1, 2}};
  auto start = std::chrono::steady_clock::now();
  for (const Layer& l : layers) {
    const int N = 2;
    cudnnTensorDescriptor_t xd = tensor(N, l.c, l.h, l.h);
    cudnnFilterDescriptor_t wd;
    OK(cudnnCreateFilterDescriptor(&wd));
    OK(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, l.k, l.c / l.groups, l.kernel, l.kernel));
    cudnnConvolutionDescriptor_t cd;
    OK(cudnnCreateConvolutionDescriptor(&cd));
    OK(cudnnSetConvolution2dDescriptor(cd, l.pad, l.pad, l.stride, l.stride, 1, 1, CUDNN_CROSS_CORRELATION,
                                       CUDNN_DATA_FLOAT));
    OK(cudnnSetConvolutionGroupCount(cd, l.groups));
    int n, c, h, w;
    OK(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &n, &c, &h, &w));
    cudnnTensorDescriptor_t yd = tensor(n, c, h, w);
    size_t xs = (size_t)N * l.c * l.h * l.h, ws = (size_t)l.k * (l.c / l.groups) * l.kernel * l.kernel,
           ys = (size_t)n * c * h * w;
    float *x = device_floats(xs), *wt = device_floats(ws), *y = device_floats(ys), *dx = device_floats(xs),
          *dw = device_floats(ws);
    OK(cudnnConvolutionForward(handle, &kOne, xd, x, wd, wt, cd, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr,
                               0, &kZero, yd, y));
    OK(cudnnConvolutionBackwardData(handle, &kOne, wd, wt, yd, y, cd, CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, nullptr, 0,
                                    &kZero, xd, dx));
    OK(cudnnConvolutionBackwardFilter(handle, &kOne, xd, x, yd, y, cd, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, nullptr,
                                      0, &kZero, wd, dw));
    for (float* p : {x, wt, y, dx, dw}) emu_device_free(p);
    OK(cudnnDestroyTensorDescriptor(xd));
    OK(cudnnDestroyTensorDescriptor(yd));
    OK(cudnnDestroyFilterDescriptor(wd));
    OK(cudnnDestroyConvolutionDescriptor(cd));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printf("AlexNet conv layers, batch 2, forward + backward data + backward filter: %.2f s\n", seconds);
}

int main() {
  test_handles();
  cudnnHandle_t handle;
  OK(cudnnCreate(&handle));
  const ConvCase cases[] = {
      {2, 3, 9, 11, 4, 3, 3, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION},
      {2, 4, 13, 12, 6, 5, 3, 2, 1, 2, 3, 2, 1, CUDNN_CROSS_CORRELATION},  // groups, stride, padding
      {1, 6, 15, 15, 6, 11, 11, 0, 0, 4, 4, 3, 1, CUDNN_CROSS_CORRELATION},
      {2, 4, 10, 9, 4, 3, 2, 1, 2, 1, 2, 2, 2, CUDNN_CONVOLUTION},  // flipped, dilated
      {3, 2, 5, 5, 2, 5, 5, 2, 2, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION},
  };
  for (const ConvCase& c : cases) test_convolution(handle, c);
  test_convolution_refusals(handle);
  for (int size : {1, 4, 5, 16}) test_lrn(handle, size, 1);
  test_lrn(handle, 5, 2);
  test_lrn(handle, 3, 3);
  test_lrn_refusals(handle);
  test_pooling(handle, 3, 2, 0);
  test_pooling(handle, 3, 2, 1);
  test_pooling(handle, 2, 2, 0);
  test_pooling(handle, 3, 1, 2);
  for (auto algo : {CUDNN_SOFTMAX_FAST, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_LOG})
    for (auto mode : {CUDNN_SOFTMAX_MODE_INSTANCE, CUDNN_SOFTMAX_MODE_CHANNEL}) test_softmax(handle, algo, mode);
  test_activation(handle);
  time_alexnet(handle);
  OK(cudnnDestroy(handle));
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("cudnn: all checks passed\n");
  return 0;
}
