package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J op calls that do not go through {@link Nd4jOpCall} (legacy scalar and pairwise ops), so
 * that a failure names the op, the plan and its device instead of surfacing as a bare native
 * status; and the checks of tensors handed to a plan.
 */
final class Nd4jOps {
  private Nd4jOps() {}

  /** Runs a custom op built with its output arrays (never allocated by ND4J). */
  static void exec(CustomOp op, String where) {
    try {
      Nd4j.exec(op);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "nd4j op " + op.opName() + " failed in " + where + ": " + e.getMessage(), e);
    }
  }

  /** Runs a legacy (transform, pairwise, scalar) op whose output array is set. */
  static void exec(Op op, String where) {
    try {
      Nd4j.exec(op);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "nd4j op " + op.opName() + " failed in " + where + ": " + e.getMessage(), e);
    }
  }

  /** A new 'c'-order float32 array of zeros. */
  static INDArray create(Shape shape) {
    return Nd4j.create(DataType.FLOAT, Nd4jTensor.longDims(shape), 'c');
  }

  /** The ND4J tensor behind {@code tensor}, checking its backend and device. */
  static Nd4jTensor tensor(Tensor tensor, Device device, String where, String role) {
    if (tensor == null) {
      throw new IllegalArgumentException(where + ": " + role + " must not be null");
    }
    if (!(tensor instanceof Nd4jTensor t)) {
      throw new IllegalArgumentException(
          where
              + ": "
              + role
              + " is a "
              + tensor.getClass().getName()
              + " from another backend, not an nd4j tensor");
    }
    if (!t.device().equals(device)) {
      throw new IllegalArgumentException(
          where
              + ": "
              + role
              + " lives on device "
              + t.device()
              + " but the plan runs on device "
              + device);
    }
    return t;
  }

  /** The array behind {@code tensor}, checking backend, device and shape. */
  static INDArray array(Tensor tensor, Device device, Shape expected, String where, String role) {
    Nd4jTensor t = tensor(tensor, device, where, role);
    if (!t.shape().equals(expected)) {
      throw new IllegalArgumentException(
          where + ": " + role + " has shape " + t.shape() + ", expected " + expected);
    }
    return t.array();
  }

  /** A 'c'-order view of {@code array} with other dimensions; never a copy. */
  static INDArray reshapeView(INDArray array, long[] dims, String where) {
    if (Arrays.equals(array.shape(), dims)) {
      return array;
    }
    try {
      return array.reshape('c', true, dims);
    } catch (RuntimeException e) {
      throw new UnsupportedOperationException(
          where
              + ": cannot view an array of shape "
              + Arrays.toString(array.shape())
              + " as "
              + Arrays.toString(dims)
              + " without a copy (it is not contiguous)",
          e);
    }
  }

  /** Whether {@code array} covers its whole buffer contiguously in 'c' order from offset 0. */
  static boolean isDense(INDArray array) {
    return array.ordering() == 'c'
        && array.offset() == 0
        && array.elementWiseStride() == 1
        && array.data().length() == array.length();
  }
}
