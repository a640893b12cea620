package dev.alexnet4j.api.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first. Images are NCHW; fully connected activations are [N,
 * F]. Immutable.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] <= 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + ": dimension " + i + " must be positive");
      }
    }
    this.dims = dims;
  }

  public static Shape of(int... dims) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a shape needs at least one dimension");
    }
    return new Shape(dims.clone());
  }

  /** NCHW image batch. */
  public static Shape nchw(int n, int c, int h, int w) {
    return of(n, c, h, w);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Batch size: the first dimension. */
  public int batch() {
    return dims[0];
  }

  /** Channels (or features of a rank-2 shape): the second dimension. */
  public int channels() {
    return dims[1];
  }

  public int height() {
    requireRank(4);
    return dims[2];
  }

  public int width() {
    requireRank(4);
    return dims[3];
  }

  /** Number of elements. */
  public long size() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** Elements per sample: the size without the batch dimension. */
  public long sampleSize() {
    return size() / dims[0];
  }

  /** The same shape with another batch size. */
  public Shape withBatch(int n) {
    int[] d = dims.clone();
    d[0] = n;
    return new Shape(d);
  }

  /** The same shape with another channel count. */
  public Shape withChannels(int c) {
    int[] d = dims.clone();
    d[1] = c;
    return new Shape(d);
  }

  /** Drops the batch dimension: [N, C, H, W] becomes [C, H, W]. */
  public Shape sample() {
    if (dims.length < 2) {
      throw new IllegalStateException("shape " + this + " has no sample dimensions");
    }
    return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /** Prepends a batch dimension: [C, H, W] becomes [n, C, H, W]. */
  public Shape batchOf(int n) {
    int[] d = new int[dims.length + 1];
    d[0] = n;
    System.arraycopy(dims, 0, d, 1, dims.length);
    return new Shape(d);
  }

  private void requireRank(int rank) {
    if (dims.length != rank) {
      throw new IllegalStateException("shape " + this + " is not of rank " + rank);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append('x');
      }
      sb.append(dims[i]);
    }
    return sb.toString();
  }
}
