// A blocked, packed SGEMM (the usual GotoBLAS structure: pack a KC-deep slice of op(A) into
// MR-row panels and of op(B) into NR-column panels, then an MR x NR register-tile micro-kernel),
// written with GCC vector extensions so that plain -O2 x86-64 (SSE2) code is fast enough for
// AlexNet's fully connected layers. Large products are split over a few host threads by rows or
// columns of C; each element is owned by one thread and summed in ascending k, so results are
// bit-for-bit the same whatever the blocking and thread count.
#include "emu_sgemm.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

typedef float v4 __attribute__((vector_size(16)));

constexpr int MR = 8;    // rows of the register tile (two v4)
constexpr int NR = 4;    // columns of the register tile
constexpr int MC = 128;  // rows of op(A) packed at once
constexpr int KC = 256;  // depth packed at once
constexpr int NC = 256;  // columns of op(B) packed at once

struct Args {
  bool transa, transb;
  int m, n, k;
  float alpha, beta;
  const float* A;
  int lda;
  const float* B;
  int ldb;
  float* C;
  int ldc;
};

struct AlignedBuffer {
  float* data = nullptr;
  explicit AlignedBuffer(size_t floats) {
    size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    data = static_cast<float*>(aligned_alloc(64, bytes ? bytes : 64));
  }
  ~AlignedBuffer() { free(data); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
};

inline float opA(const Args& a, long i, long p) {
  return a.transa ? a.A[p + i * (long)a.lda] : a.A[i + p * (long)a.lda];
}

// op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels: panel r holds [p][0..MR), zero-padded rows.
void pack_a(const Args& a, int i0, int mc, int p0, int kc, float* out) {
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = std::min(MR, mc - ir);
    float* panel = out + (size_t)ir * kc;
    if (!a.transa) {
      for (int p = 0; p < kc; p++) {
        const float* src = a.A + (i0 + ir) + (long)(p0 + p) * a.lda;
        float* dst = panel + (size_t)p * MR;
        int r = 0;
        for (; r < rows; r++) dst[r] = src[r];
        for (; r < MR; r++) dst[r] = 0.0f;
      }
    } else {
      for (int r = 0; r < MR; r++) {
        if (r < rows) {
          const float* src = a.A + (p0) + (long)(i0 + ir + r) * a.lda;
          for (int p = 0; p < kc; p++) panel[(size_t)p * MR + r] = src[p];
        } else {
          for (int p = 0; p < kc; p++) panel[(size_t)p * MR + r] = 0.0f;
        }
      }
    }
  }
}

// op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels: panel holds [p][0..NR), zero-padded.
void pack_b(const Args& a, int p0, int kc, int j0, int nc, float* out) {
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = std::min(NR, nc - jr);
    float* panel = out + (size_t)jr * kc;
    for (int c = 0; c < NR; c++) {
      if (c < cols) {
        int j = j0 + jr + c;
        if (!a.transb) {
          const float* src = a.B + p0 + (long)j * a.ldb;
          for (int p = 0; p < kc; p++) panel[(size_t)p * NR + c] = src[p];
        } else {
          const float* src = a.B + j + (long)p0 * a.ldb;
          for (int p = 0; p < kc; p++) panel[(size_t)p * NR + c] = src[(long)p * a.ldb];
        }
      } else {
        for (int p = 0; p < kc; p++) panel[(size_t)p * NR + c] = 0.0f;
      }
    }
  }
}

// w[0..MR, 0..NR) (column-major, leading dimension ldw, 16-byte aligned) += a-panel * b-panel.
inline void micro_kernel(int kc, const float* __restrict a, const float* __restrict b,
                         float* __restrict w, int ldw) {
  v4 c00 = *(const v4*)(w), c10 = *(const v4*)(w + 4);
  v4 c01 = *(const v4*)(w + ldw), c11 = *(const v4*)(w + ldw + 4);
  v4 c02 = *(const v4*)(w + 2 * ldw), c12 = *(const v4*)(w + 2 * ldw + 4);
  v4 c03 = *(const v4*)(w + 3 * ldw), c13 = *(const v4*)(w + 3 * ldw + 4);
  for (int p = 0; p < kc; p++) {
    v4 a0 = *(const v4*)(a), a1 = *(const v4*)(a + 4);
    v4 b0 = {b[0], b[0], b[0], b[0]};
    v4 b1 = {b[1], b[1], b[1], b[1]};
    v4 b2 = {b[2], b[2], b[2], b[2]};
    v4 b3 = {b[3], b[3], b[3], b[3]};
    c00 += a0 * b0;
    c10 += a1 * b0;
    c01 += a0 * b1;
    c11 += a1 * b1;
    c02 += a0 * b2;
    c12 += a1 * b2;
    c03 += a0 * b3;
    c13 += a1 * b3;
    a += MR;
    b += NR;
  }
  *(v4*)(w) = c00;
  *(v4*)(w + 4) = c10;
  *(v4*)(w + ldw) = c01;
  *(v4*)(w + ldw + 4) = c11;
  *(v4*)(w + 2 * ldw) = c02;
  *(v4*)(w + 2 * ldw + 4) = c12;
  *(v4*)(w + 3 * ldw) = c03;
  *(v4*)(w + 3 * ldw + 4) = c13;
}

// C[i0 .. i1, j0 .. j1] completely.
void gemm_region(const Args& a, int i0, int i1, int j0, int j1) {
  AlignedBuffer apack((size_t)MC * KC), bpack((size_t)KC * NC), w((size_t)MC * NC);
  for (int jc = j0; jc < j1; jc += NC) {
    int nc = std::min(NC, j1 - jc);
    int ncpad = (nc + NR - 1) / NR * NR;
    for (int ic = i0; ic < i1; ic += MC) {
      int mc = std::min(MC, i1 - ic);
      int mcpad = (mc + MR - 1) / MR * MR;
      int ldw = mcpad;
      memset(w.data, 0, sizeof(float) * (size_t)ldw * ncpad);
      for (int pc = 0; pc < a.k; pc += KC) {
        int kc = std::min(KC, a.k - pc);
        pack_a(a, ic, mc, pc, kc, apack.data);
        pack_b(a, pc, kc, jc, nc, bpack.data);
        for (int jr = 0; jr < ncpad; jr += NR) {
          const float* bp = bpack.data + (size_t)jr * kc;
          for (int ir = 0; ir < mcpad; ir += MR) {
            micro_kernel(kc, apack.data + (size_t)ir * kc, bp, w.data + ir + (size_t)jr * ldw, ldw);
          }
        }
      }
      for (int j = 0; j < nc; j++) {
        float* c = a.C + ic + (long)(jc + j) * a.ldc;
        const float* s = w.data + (size_t)j * ldw;
        if (a.beta == 0.0f) {
          for (int i = 0; i < mc; i++) c[i] = a.alpha * s[i];
        } else {
          for (int i = 0; i < mc; i++) c[i] = a.alpha * s[i] + a.beta * c[i];
        }
      }
    }
  }
}

int thread_count() {
  static int count = [] {
    int n = (int)std::thread::hardware_concurrency();
    if (const char* env = getenv("ALEXNET4J_CUDA_EMU_THREADS")) n = atoi(env);
    return std::max(1, std::min(n, 16));
  }();
  return count;
}

}  // namespace

void emu_sgemm(bool transa, bool transb, int m, int n, int k, float alpha, const float* A, int lda,
               const float* B, int ldb, float beta, float* C, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (alpha == 0.0f || k <= 0) {
    for (int j = 0; j < n; j++) {
      float* c = C + (long)j * ldc;
      if (beta == 0.0f) {
        for (int i = 0; i < m; i++) c[i] = 0.0f;
      } else if (beta != 1.0f) {
        for (int i = 0; i < m; i++) c[i] = beta * c[i];
      }
    }
    return;
  }
  Args a{transa, transb, m, n, k, alpha, beta, A, lda, B, ldb, C, ldc};
  double work = (double)m * n * k;
  int threads = work < (double)(1 << 22) ? 1 : thread_count();
  bool by_rows = m >= n;
  int extent = by_rows ? m : n;
  int unit = by_rows ? MR : NR;
  threads = std::min(threads, std::max(1, extent / (4 * unit)));
  if (threads <= 1) {
    gemm_region(a, 0, m, 0, n);
    return;
  }
  // Split into equal shares rounded to whole register tiles.
  std::vector<std::thread> pool;
  int units = (extent + unit - 1) / unit;
  int start = 0;
  for (int t = 0; t < threads; t++) {
    int end = t == threads - 1 ? extent : std::min(extent, (int)((long)units * (t + 1) / threads) * unit);
    if (end <= start) continue;
    int i0 = by_rows ? start : 0, i1 = by_rows ? end : m;
    int j0 = by_rows ? 0 : start, j1 = by_rows ? n : end;
    try {
      pool.emplace_back(gemm_region, std::cref(a), i0, i1, j0, j1);
    } catch (...) {  // no thread to be had: do this share here
      gemm_region(a, i0, i1, j0, j1);
    }
    start = end;
  }
  for (std::thread& t : pool) t.join();
}
