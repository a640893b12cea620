package dev.alexnet4j.alexnet;

import dev.alexnet4j.api.checkpoint.NpyArray;

/**
 * Features of N images: an N x D row-major matrix and each image's label.
 *
 * @param values row i is image i's feature; shared, not copied
 */
public record FeatureMatrix(float[] values, int[] labels, int dimension) {
  public FeatureMatrix {
    if (dimension <= 0 || values.length != (long) labels.length * dimension) {
      throw new IllegalArgumentException(
          values.length + " values do not make " + labels.length + " rows of " + dimension);
    }
  }

  public int rows() {
    return labels.length;
  }

  /** Row {@code i}, copied. */
  public float[] row(int i) {
    float[] r = new float[dimension];
    System.arraycopy(values, i * dimension, r, 0, dimension);
    return r;
  }

  /** The matrix as a float32 array of shape (N, D), for {@code .npy}. */
  public NpyArray toNpy() {
    return new NpyArray(new int[] {rows(), dimension}, values);
  }
}
