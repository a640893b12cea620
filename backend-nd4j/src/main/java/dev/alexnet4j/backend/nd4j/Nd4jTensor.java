package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 {@link INDArray} in 'c' order on one virtual CPU device.
 *
 * <p>Three kinds share this class: tensors the backend made ({@code zeros}, {@code upload}, {@code
 * copyTo}), which own their array and free it on close; views ({@code reshape}), which free
 * nothing, so that closing a view never frees its parent; and plan outputs, which the plan frees
 * when it is closed (a caller's close of one is a no-op, as for a view).
 */
public final class Nd4jTensor implements Tensor {
  private final INDArray array;
  private final Shape shape;
  private final Device device;
  private final boolean owner;
  private boolean closed;

  private Nd4jTensor(INDArray array, Shape shape, Device device, boolean owner) {
    if (array.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException(
          "nd4j tensor on " + device + " must be FLOAT, got " + array.dataType());
    }
    if (!Arrays.equals(array.shape(), longDims(shape))) {
      throw new IllegalArgumentException(
          "nd4j tensor on "
              + device
              + ": array shape "
              + Arrays.toString(array.shape())
              + " does not match "
              + shape);
    }
    this.array = array;
    this.shape = shape;
    this.device = device;
    this.owner = owner;
  }

  /** A tensor that owns {@code array} and frees it on close. */
  static Nd4jTensor owning(INDArray array, Shape shape, Device device) {
    return new Nd4jTensor(array, shape, device, true);
  }

  /** A view or plan output: closing it frees nothing. */
  static Nd4jTensor borrowing(INDArray array, Shape shape, Device device) {
    return new Nd4jTensor(array, shape, device, false);
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public Device device() {
    return device;
  }

  /** The array, or an exception if this tensor was closed. */
  public INDArray array() {
    if (closed) {
      throw new IllegalStateException("nd4j tensor " + shape + " on " + device + " was closed");
    }
    return array;
  }

  boolean isOwner() {
    return owner;
  }

  @Override
  public void close() {
    if (!owner || closed) {
      return;
    }
    closed = true;
    free(array);
  }

  /** Frees an array now instead of waiting for the garbage collector, if ND4J allows it. */
  static void free(INDArray array) {
    if (array != null && !array.wasClosed() && array.closeable()) {
      array.close();
    }
  }

  /** The dimensions as ND4J wants them. */
  static long[] longDims(Shape shape) {
    int[] d = shape.dims();
    long[] l = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      l[i] = d[i];
    }
    return l;
  }

  @Override
  public String toString() {
    return "Nd4jTensor[" + shape + " on " + device + (closed ? ", closed" : "") + "]";
  }
}
