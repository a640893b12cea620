package dev.alexnet4j.api.tensor;

/**
 * A float32 array in row-major NCHW (or [N, F]) layout that lives on one device and is owned by the
 * backend that made it. Host data moves in and out only through the backend's {@code upload} and
 * {@code download}.
 *
 * <p>Closing releases the memory. Tensors returned by a plan belong to the plan and are reused on
 * every call: the caller must not close them, and must copy what it wants to keep before the plan
 * runs again.
 */
public interface Tensor extends AutoCloseable {
  Shape shape();

  Device device();

  /** Releases the memory; a view releases nothing of the array it views. Idempotent. */
  @Override
  void close();
}
