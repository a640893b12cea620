package dev.alexnet4j.api.checkpoint;

import dev.alexnet4j.api.tensor.Shape;
import java.util.Arrays;

/**
 * A float32 array on the host in C (row-major) order with its NumPy shape: what one {@code .npy}
 * file, one {@code .npz} entry or one checkpoint array holds.
 *
 * <p>The shape is an {@code int[]} rather than a {@link Shape} because NumPy arrays may be 0-d
 * ({@code ()}, one element) or have zero-length axes, which a {@code Shape} refuses.
 *
 * <p>The shape is copied; the data is <em>not</em>: a checkpoint of AlexNet holds about half a
 * gigabyte of floats, and a defensive copy of every array would double that. The array takes
 * ownership of {@code data}; neither the caller nor a reader of {@link #data()} may modify it.
 *
 * @param shape the dimensions, outermost first; each {@code >= 0}
 * @param data the values in C order; exactly the product of {@code shape} of them
 */
public record NpyArray(int[] shape, float[] data) {
  public NpyArray {
    if (shape == null || data == null) {
      throw new IllegalArgumentException("an array needs a shape and data");
    }
    long size = elementCount(shape);
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + size
              + " elements but the data has "
              + data.length);
    }
    shape = shape.clone();
  }

  /** An array with the dimensions of a tensor shape. */
  public static NpyArray of(Shape shape, float[] data) {
    return new NpyArray(shape.dims(), data);
  }

  /**
   * The number of elements of a shape, {@code 1} for the 0-d shape.
   *
   * @throws IllegalArgumentException if a dimension is negative or the count overflows a long
   */
  public static long elementCount(int[] shape) {
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + ": dimension " + i + " is negative");
      }
      n = Math.multiplyExact(n, shape[i]);
    }
    return n;
  }

  /** A copy of the dimensions. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The values in C order: the array itself, not a copy; do not modify it. */
  @Override
  public float[] data() {
    return data;
  }

  public int rank() {
    return shape.length;
  }

  /** Whether the dimensions are exactly {@code dims}. */
  public boolean hasShape(int[] dims) {
    return Arrays.equals(shape, dims);
  }

  /** Whether the dimensions are those of a tensor shape (same rank, same sizes). */
  public boolean hasShape(Shape tensorShape) {
    return hasShape(tensorShape.dims());
  }

  /** The shape as NumPy would not quite print it: {@code [96, 3, 11, 11]}, {@code []} for 0-d. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** Equal when the shapes match and every value has the same bits (NaNs included). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NpyArray other) || !Arrays.equals(shape, other.shape)) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(other.data[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /** The shape only: printing half a million floats helps nobody. */
  @Override
  public String toString() {
    return "NpyArray" + shapeString();
  }
}
