package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;

/**
 * A packed row-major float32 array in one GPU's memory.
 *
 * <p>Tensors the backend made ({@code zeros}, {@code upload}, {@code copyTo}) own their memory and
 * free it on close; views ({@code reshape}) and plan outputs borrow it, and their close frees
 * nothing, so closing a view never frees its parent and a plan frees its outputs itself.
 */
final class CudnnTensor implements Tensor {
  private final Pointer pointer;
  private final Shape shape;
  private final CudaDevice device;
  private final boolean owner;
  private volatile boolean closed;

  private CudnnTensor(Pointer pointer, Shape shape, CudaDevice device, boolean owner) {
    this.pointer = pointer;
    this.shape = shape;
    this.device = device;
    this.owner = owner;
  }

  static CudnnTensor owning(Pointer pointer, Shape shape, CudaDevice device) {
    return new CudnnTensor(pointer, shape, device, true);
  }

  static CudnnTensor borrowing(Pointer pointer, Shape shape, CudaDevice device) {
    return new CudnnTensor(pointer, shape, device, false);
  }

  /**
   * {@code tensor} as a cudnn tensor on {@code device} with {@code expected} elements.
   *
   * @throws IllegalArgumentException naming {@code where} and {@code role} when it is null, from
   *     another backend, on another device, closed, or of another size
   */
  static CudnnTensor of(
      Tensor tensor, CudaDevice device, long expected, String where, String role) {
    CudnnTensor t = of(tensor, where, role);
    if (t.device != device) {
      throw new IllegalArgumentException(
          where + ": " + role + " lives on " + t.device() + ", not on " + device.device());
    }
    if (t.shape.size() != expected) {
      throw new IllegalArgumentException(
          where
              + ": "
              + role
              + " has shape "
              + t.shape
              + " ("
              + t.shape.size()
              + " elements), expected "
              + expected
              + " elements");
    }
    return t;
  }

  /** {@code tensor} as a cudnn tensor of exactly {@code expected} shape on {@code device}. */
  static CudnnTensor of(
      Tensor tensor, CudaDevice device, Shape expected, String where, String role) {
    CudnnTensor t = of(tensor, device, expected.size(), where, role);
    if (!t.shape.equals(expected)) {
      throw new IllegalArgumentException(
          where + ": " + role + " has shape " + t.shape + ", expected " + expected);
    }
    return t;
  }

  static CudnnTensor of(Tensor tensor, String where, String role) {
    if (tensor == null) {
      throw new IllegalArgumentException(where + ": " + role + " must not be null");
    }
    if (!(tensor instanceof CudnnTensor t)) {
      throw new IllegalArgumentException(
          where
              + ": "
              + role
              + " is a "
              + tensor.getClass().getName()
              + " from another backend, not a cudnn tensor");
    }
    if (t.closed) {
      throw new IllegalStateException(where + ": " + role + " " + t + " was closed");
    }
    return t;
  }

  /** The device pointer; an exception once closed. */
  Pointer pointer() {
    if (closed) {
      throw new IllegalStateException("cudnn tensor " + shape + " on " + device() + " was closed");
    }
    return pointer;
  }

  CudaDevice cudaDevice() {
    return device;
  }

  boolean isOwner() {
    return owner;
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public Device device() {
    return device.device();
  }

  @Override
  public void close() {
    if (!owner || closed) {
      return;
    }
    closed = true;
    device.free(new CallSite(device().toString(), "tensor " + shape + " close"), pointer);
  }

  @Override
  public String toString() {
    return "CudnnTensor[" + shape + " on " + device() + (closed ? ", closed" : "") + "]";
  }
}
