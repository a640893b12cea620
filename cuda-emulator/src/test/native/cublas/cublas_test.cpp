// The emulated cuBLAS against straightforward references: SGEMM in every transpose combination
// (bit for bit: both sum in ascending k), the argument checks cuBLAS documents, the memory a GPU
// could not touch, pointer modes, and the level-1 routines.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "emu_core.h"
#include "emu_cublas.h"

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)

static float* dalloc(int device, size_t floats) {
  emu_status s;
  float* p = (float*)emu_device_alloc(device, floats * sizeof(float), &s);
  if (p == nullptr) {
    fprintf(stderr, "allocation of %zu floats failed\n", floats);
    exit(2);
  }
  return p;
}

static unsigned rng = 12345;
static float next_float() {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static float op_at(const float* M, bool t, int ld, int r, int c) {
  return t ? M[c + (long)r * ld] : M[r + (long)c * ld];
}

// The same formula as the emulator: alpha * (float sum in ascending p) + beta * C.
static float reference(bool ta, bool tb, int i, int j, int k, float alpha, const float* A, int lda,
                       const float* B, int ldb, float beta, float c) {
  float s = 0.0f;
  for (int p = 0; p < k; p++) s = s + op_at(A, ta, lda, i, p) * op_at(B, tb, ldb, p, j);
  return beta == 0.0f ? alpha * s : alpha * s + beta * c;
}

static void gemm_case(cublasHandle_t h, cublasOperation_t opa, cublasOperation_t opb, int m, int n,
                      int k, float alpha, float beta) {
  bool ta = opa != CUBLAS_OP_N, tb = opb != CUBLAS_OP_N;
  int lda = (ta ? k : m) + 3, ldb = (tb ? n : k) + 1, ldc = m + 2;
  size_t asz = (size_t)lda * (ta ? m : k), bsz = (size_t)ldb * (tb ? k : n), csz = (size_t)ldc * n;
  float *A = dalloc(0, asz), *B = dalloc(0, bsz), *C = dalloc(0, csz);
  for (size_t i = 0; i < asz; i++) A[i] = next_float();
  for (size_t i = 0; i < bsz; i++) B[i] = next_float();
  for (size_t i = 0; i < csz; i++) C[i] = beta == 0.0f ? NAN : next_float();
  std::vector<float> before(C, C + csz);
  CHECK(cublasSgemm_v2(h, opa, opb, m, n, k, &alpha, A, lda, B, ldb, &beta, C, ldc) ==
        CUBLAS_STATUS_SUCCESS);
  int wrong = 0;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < ldc; i++) {
      float got = C[i + (size_t)j * ldc], old = before[i + (size_t)j * ldc];
      if (i >= m) {  // padding rows are left alone
        if (memcmp(&got, &old, 4) != 0) wrong++;
        continue;
      }
      float want = reference(ta, tb, i, j, k, alpha, A, lda, B, ldb, beta, old);
      if (memcmp(&got, &want, 4) != 0) {
        if (wrong < 3)
          fprintf(stderr, "sgemm %d%d m=%d n=%d k=%d C[%d,%d] = %g, want %g\n", opa, opb, m, n, k,
                  i, j, got, want);
        wrong++;
      }
    }
  }
  CHECK(wrong == 0);
  emu_device_free(A);
  emu_device_free(B);
  emu_device_free(C);
}

// AlexNet's fc6 (9216 -> 4096) at batch 32, forward and both backward products; sampled checks.
static void fc6_timing(cublasHandle_t h) {
  const int in = 9216, out = 4096, batch = 32;
  float *W = dalloc(0, (size_t)in * out), *X = dalloc(0, (size_t)in * batch),
        *Y = dalloc(0, (size_t)out * batch), *dX = dalloc(0, (size_t)in * batch),
        *dW = dalloc(0, (size_t)in * out);
  for (size_t i = 0; i < (size_t)in * out; i++) W[i] = next_float() * 0.01f;
  for (size_t i = 0; i < (size_t)in * batch; i++) X[i] = next_float();
  float one = 1, zero = 0;
  struct Case {
    const char* name;
    cublasOperation_t ta, tb;
    int m, n, k;
    const float *A, *B;
    int lda, ldb;
    float* C;
    int ldc;
  } cases[] = {
      // Y (out x batch) = W^T (W stored in x out) * X (in x batch)
      {"forward  Y = W^T X ", CUBLAS_OP_T, CUBLAS_OP_N, out, batch, in, W, X, in, in, Y, out},
      // dX (in x batch) = W (in x out) * dY (out x batch)
      {"backward dX = W dY ", CUBLAS_OP_N, CUBLAS_OP_N, in, batch, out, W, Y, in, out, dX, in},
      // dW (in x out) = X (in x batch) * dY^T
      {"backward dW = X dY^T", CUBLAS_OP_N, CUBLAS_OP_T, in, out, batch, X, Y, in, out, dW, in},
  };
  for (const Case& c : cases) {
    auto t0 = std::chrono::steady_clock::now();
    CHECK(cublasSgemm_v2(h, c.ta, c.tb, c.m, c.n, c.k, &one, c.A, c.lda, c.B, c.ldb, &zero, c.C,
                         c.ldc) == CUBLAS_STATUS_SUCCESS);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("  fc6 %s m=%d n=%d k=%d: %.3f s, %.1f GFLOP/s\n", c.name, c.m, c.n, c.k, s,
           2.0 * c.m * c.n * c.k / s / 1e9);
    int wrong = 0;
    for (int t = 0; t < 200; t++) {
      int i = (int)((rng = rng * 1664525u + 1013904223u) % (unsigned)c.m);
      int j = (int)((rng = rng * 1664525u + 1013904223u) % (unsigned)c.n);
      float want = reference(c.ta != CUBLAS_OP_N, c.tb != CUBLAS_OP_N, i, j, c.k, 1.0f, c.A, c.lda,
                             c.B, c.ldb, 0.0f, 0.0f);
      if (memcmp(&want, &c.C[i + (size_t)j * c.ldc], 4) != 0) wrong++;
    }
    CHECK(wrong == 0);
  }
  for (float* p : {W, X, Y, dX, dW}) emu_device_free(p);
}

int main() {
  int value = -1;
  CHECK(cublasGetProperty(MAJOR_VERSION, &value) == CUBLAS_STATUS_SUCCESS && value == 11);
  CHECK(cublasGetProperty(MINOR_VERSION, &value) == CUBLAS_STATUS_SUCCESS && value == 10);
  CHECK(cublasGetProperty(PATCH_LEVEL, &value) == CUBLAS_STATUS_SUCCESS);
  CHECK(cublasGetProperty((libraryPropertyType)7, &value) == CUBLAS_STATUS_INVALID_VALUE);
  CHECK(cublasGetProperty(MAJOR_VERSION, nullptr) == CUBLAS_STATUS_INVALID_VALUE);

  cublasHandle_t h = nullptr;
  CHECK(cublasCreate_v2(nullptr) == CUBLAS_STATUS_INVALID_VALUE);
  CHECK(cublasCreate_v2(&h) == CUBLAS_STATUS_SUCCESS && h != nullptr);
  emu_stream* s0 = emu_stream_create(0);
  emu_stream* s1 = emu_stream_create(1);
  CHECK(cublasSetStream_v2(h, s0) == CUBLAS_STATUS_SUCCESS);
  CHECK(cublasSetStream_v2(h, s1) == CUBLAS_STATUS_INVALID_VALUE);  // another device's stream
  CHECK(cublasSetPointerMode_v2(h, CUBLAS_POINTER_MODE_HOST) == CUBLAS_STATUS_SUCCESS);
  CHECK(cublasSetPointerMode_v2(h, (cublasPointerMode_t)5) == CUBLAS_STATUS_INVALID_VALUE);

  // Every transpose combination (N, T and C, which is T for real matrices), odd sizes, with
  // beta == 0 (C holds NaN and must not be read) and beta != 0.
  const cublasOperation_t ops[] = {CUBLAS_OP_N, CUBLAS_OP_T, CUBLAS_OP_C};
  for (cublasOperation_t a : ops) {
    for (cublasOperation_t b : ops) {
      gemm_case(h, a, b, 37, 19, 53, 1.5f, 0.0f);
      gemm_case(h, a, b, 37, 19, 53, 1.0f, 0.5f);
      gemm_case(h, a, b, 1, 1, 1, 2.0f, 0.0f);
      gemm_case(h, a, b, 131, 9, 300, 1.0f, 0.0f);   // crosses the 128-row and 256-deep blocks
      gemm_case(h, a, b, 9, 261, 7, -1.0f, 2.0f);    // crosses the 256-column block
    }
  }
  gemm_case(h, CUBLAS_OP_T, CUBLAS_OP_N, 700, 64, 300, 1.0f, 0.0f);  // threaded by rows
  gemm_case(h, CUBLAS_OP_N, CUBLAS_OP_T, 40, 900, 300, 1.0f, 1.0f);  // threaded by columns

  // alpha == 0 and k == 0: A and B are not read, C = beta * C.
  {
    float* C = dalloc(0, 6);
    for (int i = 0; i < 6; i++) C[i] = NAN;
    float alpha = 0, beta = 0;
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 3, 4, &alpha, nullptr, 2, nullptr, 4,
                         &beta, C, 2) == CUBLAS_STATUS_SUCCESS);
    CHECK(C[0] == 0.0f && C[5] == 0.0f);
    alpha = 1;
    beta = 3;
    for (int i = 0; i < 6; i++) C[i] = (float)i;
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 3, 0, &alpha, nullptr, 2, nullptr, 1,
                         &beta, C, 2) == CUBLAS_STATUS_SUCCESS);
    CHECK(C[5] == 15.0f);
    emu_device_free(C);
  }

  // Argument checks as the cuBLAS documentation states them.
  {
    float *A = dalloc(0, 64), *B = dalloc(0, 64), *C = dalloc(0, 64);
    float one = 1, zero = 0;
    const cublasStatus_t INVALID = CUBLAS_STATUS_INVALID_VALUE;
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) ==
          CUBLAS_STATUS_SUCCESS);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, -1, 4, 4, &one, A, 4, B, 4, &zero, C, 4) == INVALID);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, -1, &one, A, 4, B, 4, &zero, C, 4) == INVALID);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 2, 3, &one, A, 3, B, 3, &zero, C, 4) == INVALID);  // lda < m
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_T, CUBLAS_OP_N, 4, 2, 3, &one, A, 3, B, 3, &zero, C, 4) ==
          CUBLAS_STATUS_SUCCESS);  // op T: lda >= k
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_T, CUBLAS_OP_N, 3, 2, 4, &one, A, 3, B, 4, &zero, C, 3) == INVALID);  // lda < k
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 4, 3, &one, A, 2, B, 2, &zero, C, 2) == INVALID);  // ldb < k
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_T, 2, 4, 3, &one, A, 2, B, 3, &zero, C, 2) == INVALID);  // ldb < n
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 2, 3, &one, A, 4, B, 3, &zero, C, 3) == INVALID);  // ldc < m
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 0, 0, 0, &one, A, 0, B, 0, &zero, C, 0) == INVALID);  // ld >= 1
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 0, 4, 4, &one, A, 1, B, 4, &zero, C, 1) ==
          CUBLAS_STATUS_SUCCESS);  // empty: nothing to do
    CHECK(cublasSgemm_v2(h, (cublasOperation_t)3, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) == INVALID);
    CHECK(cublasSgemm_v2(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) ==
          CUBLAS_STATUS_NOT_INITIALIZED);

    // Memory a GPU could not touch.
    const cublasStatus_t FAILED = CUBLAS_STATUS_EXECUTION_FAILED;
    float* other = dalloc(1, 64);
    float host[64] = {};
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, other, 4, &zero, C, 4) == FAILED);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, host, 4, B, 4, &zero, C, 4) == FAILED);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 9, 9, 9, &one, A, 9, B, 9, &zero, C, 9) == FAILED);  // too small
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 21, B, 4, &zero, C, 4) == FAILED);  // lda runs past
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, nullptr, 4) == FAILED);
    CHECK(emu_enable_peer(0, 1) == 0);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, other, 4, &zero, C, 4) ==
          CUBLAS_STATUS_SUCCESS);  // peer access enabled
    // Scalars follow the pointer mode.
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, A, A, 4, B, 4, &zero, C, 4) == INVALID);
    float* dscalars = dalloc(0, 2);
    dscalars[0] = 1;
    dscalars[1] = 0;
    CHECK(cublasSetPointerMode_v2(h, CUBLAS_POINTER_MODE_DEVICE) == CUBLAS_STATUS_SUCCESS);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, dscalars, A, 4, B, 4, dscalars + 1,
                         C, 4) == CUBLAS_STATUS_SUCCESS);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) == FAILED);
    CHECK(cublasSetPointerMode_v2(h, CUBLAS_POINTER_MODE_HOST) == CUBLAS_STATUS_SUCCESS);
    // A freed block; another device current; the handle's stream destroyed.
    emu_device_free(other);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, other, 4, &zero, C, 4) == FAILED);
    emu_set_current_device(1);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) == FAILED);
    emu_set_current_device(0);
    emu_stream* doomed = emu_stream_create(0);
    CHECK(cublasSetStream_v2(h, doomed) == CUBLAS_STATUS_SUCCESS);
    emu_stream_destroy(doomed);
    CHECK(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, A, 4, B, 4, &zero, C, 4) == FAILED);
    CHECK(cublasSetStream_v2(h, doomed) == CUBLAS_STATUS_INVALID_VALUE);
    CHECK(cublasSetStream_v2(h, s0) == CUBLAS_STATUS_SUCCESS);

    // Level 1.
    for (int i = 0; i < 8; i++) {
      A[i] = (float)i;
      B[i] = 1.0f;
    }
    float two = 2;
    CHECK(cublasSaxpy_v2(h, 8, &two, A, 1, B, 1) == CUBLAS_STATUS_SUCCESS);
    CHECK(B[0] == 1.0f && B[7] == 15.0f);
    CHECK(cublasSaxpy_v2(h, 4, &two, A, 2, B, 2) == CUBLAS_STATUS_SUCCESS);  // B[6] += 2 * A[6]
    CHECK(B[6] == 25.0f && B[7] == 15.0f);
    CHECK(cublasSaxpy_v2(h, 64, &two, A, 1, B, 2) == FAILED);  // y runs past its block
    float half = 0.5f;
    CHECK(cublasSscal_v2(h, 8, &half, A, 1) == CUBLAS_STATUS_SUCCESS);
    CHECK(A[7] == 3.5f);
    CHECK(cublasSscal_v2(h, 8, &half, host, 1) == FAILED);
    for (int i = 0; i < 8; i++) {
      A[i] = (float)(i + 1);
      B[i] = 2.0f;
    }
    float dot = -1;
    CHECK(cublasSdot_v2(h, 8, A, 1, B, 1, &dot) == CUBLAS_STATUS_SUCCESS && dot == 72.0f);
    CHECK(cublasSdot_v2(h, 0, A, 1, B, 1, &dot) == CUBLAS_STATUS_SUCCESS && dot == 0.0f);
    CHECK(cublasSdot_v2(h, 8, A, 1, B, 1, dscalars) == INVALID);  // device result in HOST mode
    CHECK(cublasSetPointerMode_v2(h, CUBLAS_POINTER_MODE_DEVICE) == CUBLAS_STATUS_SUCCESS);
    CHECK(cublasSdot_v2(h, 4, A, 2, B, 1, dscalars) == CUBLAS_STATUS_SUCCESS && dscalars[0] == 32.0f);
    CHECK(cublasSdot_v2(h, 4, A, 2, B, 1, &dot) == FAILED);  // host result in DEVICE mode
    CHECK(cublasSetPointerMode_v2(h, CUBLAS_POINTER_MODE_HOST) == CUBLAS_STATUS_SUCCESS);
    emu_device_free(dscalars);
    emu_device_free(A);
    emu_device_free(B);
    emu_device_free(C);
  }

  fc6_timing(h);

  CHECK(cublasDestroy_v2(h) == CUBLAS_STATUS_SUCCESS);
  CHECK(cublasDestroy_v2(h) == CUBLAS_STATUS_NOT_INITIALIZED);
  CHECK(cublasSetStream_v2(h, nullptr) == CUBLAS_STATUS_NOT_INITIALIZED);
  emu_stream_destroy(s0);
  emu_stream_destroy(s1);
  if (failures) {
    fprintf(stderr, "cublas_test: %d failure(s)\n", failures);
    return 1;
  }
  printf("cublas_test: all passed\n");
  return 0;
}
