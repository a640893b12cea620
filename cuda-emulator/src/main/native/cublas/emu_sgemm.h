// The emulator's single-precision GEMM on host memory (internal to libcublas.so.11).
#ifndef ALEXNET4J_EMU_SGEMM_H
#define ALEXNET4J_EMU_SGEMM_H

// C = alpha * op(A) op(B) + beta * C, column-major, arguments already validated (m, n > 0).
// Every C[i, j] is alpha * s + beta * C[i, j] (just alpha * s when beta == 0: C is not read),
// where s is the float sum of op(A)[i, p] * op(B)[p, j] added in ascending p from 0, so the result
// does not depend on blocking or on the number of threads. alpha == 0 or k == 0: A and B are not
// read.
void emu_sgemm(bool transa, bool transb, int m, int n, int k, float alpha, const float* A, int lda,
               const float* B, int ldb, float beta, float* C, int ldc);

#endif
