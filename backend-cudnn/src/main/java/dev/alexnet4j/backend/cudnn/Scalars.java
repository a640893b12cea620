package dev.alexnet4j.backend.cudnn;

import jcuda.Pointer;

/**
 * The host-side alpha and beta that cuDNN and cuBLAS blend results with (y = alpha * op + beta *
 * y). Float, because every tensor here is float (cuDNN reads the scalar in the data type of the
 * op).
 */
final class Scalars {
  static final Pointer ONE = Pointer.to(new float[] {1f});
  static final Pointer ZERO = Pointer.to(new float[] {0f});

  private Scalars() {}
}
