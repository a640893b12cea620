package dev.alexnet4j.backend.cudnn;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.libraryPropertyType;
import jcuda.runtime.cudaStream_t;

/**
 * The one checked boundary for cuBLAS (JCublas2): the handle and the BLAS calls: every such call of
 * this backend goes through here, every status is checked, and a failure becomes a {@link
 * NativeCallException} naming the call, the status, the device and the layer. Reached through
 * {@link CudaCalls}; tests mock it.
 */
class CublasCalls {
  /** Loads JCublas2 natives, which need {@code libcublas.so.11}. */
  void loadCublas() {
    JCublas2.setExceptionsEnabled(false);
  }

  /** cuBLAS major.minor.patch, from {@code cublasGetProperty}. */
  String cublasVersion(CallSite at) {
    int[] major = new int[1];
    int[] minor = new int[1];
    int[] patch = new int[1];
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.MAJOR_VERSION, major));
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.MINOR_VERSION, minor));
    cublas(
        at,
        "cublasGetProperty",
        JCublas2.cublasGetProperty(libraryPropertyType.PATCH_LEVEL, patch));
    return major[0] + "." + minor[0] + "." + patch[0];
  }

  cublasHandle createCublas(CallSite at, cudaStream_t stream) {
    cublasHandle h = new cublasHandle();
    cublas(at, "cublasCreate", JCublas2.cublasCreate(h));
    cublas(at, "cublasSetStream", JCublas2.cublasSetStream(h, stream));
    // Scalars (alpha, beta, dot results) live on the host.
    cublas(
        at,
        "cublasSetPointerMode",
        JCublas2.cublasSetPointerMode(h, jcuda.jcublas.cublasPointerMode.CUBLAS_POINTER_MODE_HOST));
    return h;
  }

  void destroyCublas(CallSite at, cublasHandle h) {
    cublas(at, "cublasDestroy", JCublas2.cublasDestroy(h));
  }

  /** C = A op B in cuBLAS's column-major terms; beta = 0 (C is overwritten). */
  void sgemm(
      CallSite at,
      cublasHandle h,
      int transA,
      int transB,
      int m,
      int n,
      int k,
      Pointer a,
      int lda,
      Pointer b,
      int ldb,
      Pointer c,
      int ldc) {
    cublas(
        at,
        "cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ")",
        JCublas2.cublasSgemm(
            h, transA, transB, m, n, k, Scalars.ONE, a, lda, b, ldb, Scalars.ZERO, c, ldc));
  }

  void saxpy(CallSite at, cublasHandle h, int n, float alpha, Pointer x, Pointer y) {
    cublas(
        at, "cublasSaxpy", JCublas2.cublasSaxpy(h, n, Pointer.to(new float[] {alpha}), x, 1, y, 1));
  }

  void sscal(CallSite at, cublasHandle h, int n, float alpha, Pointer x) {
    cublas(at, "cublasSscal", JCublas2.cublasSscal(h, n, Pointer.to(new float[] {alpha}), x, 1));
  }

  /** x . y, returned to the host (synchronises the stream). */
  float sdot(CallSite at, cublasHandle h, int n, Pointer x, Pointer y) {
    float[] result = new float[1];
    cublas(at, "cublasSdot", JCublas2.cublasSdot(h, n, x, 1, y, 1, Pointer.to(result)));
    return result[0];
  }

  /** The status is named by the loaded cuBLAS. */
  static void cublas(CallSite at, String call, int status) {
    cublas(at, call, status, StatusNames.LOADED);
  }

  static void cublas(CallSite at, String call, int status, StatusNames names) {
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      String name = names.cublas(status);
      throw new NativeCallException(call, name, status, at, StatusHints.cublas(name));
    }
  }
}
