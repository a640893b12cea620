package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.tensor.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Everything native a plan creates (descriptors, device buffers), recorded as it is made so that
 * {@link #close()} releases all of it, newest first, and a plan whose constructor fails half way
 * releases what it had made. Must be used on the device's thread.
 */
final class PlanResources implements AutoCloseable {
  private final CudaDevice device;
  private final CudaCalls calls;
  private final CallSite site;
  private final Deque<Runnable> releases = new ArrayDeque<>();
  private boolean closed;

  PlanResources(CudaDevice device, CallSite site) {
    this.device = device;
    this.calls = device.calls();
    this.site = site;
  }

  CallSite site() {
    return site;
  }

  /** A packed float NCHW descriptor for {@code shape} (see {@link Nchw#of}). */
  cudnnTensorDescriptor tensor(Shape shape) {
    return tensor(Nchw.of(shape));
  }

  cudnnTensorDescriptor tensor(Nchw dims) {
    return tensor(dims, dims.packedStrides());
  }

  /** A float descriptor with explicit element strides {n, c, h, w}. */
  cudnnTensorDescriptor tensor(Nchw dims, int[] strides) {
    cudnnTensorDescriptor d = calls.cudnn().createTensorDescriptor(site);
    releases.push(() -> calls.cudnn().destroyTensorDescriptor(site, d));
    calls
        .cudnn()
        .setTensor4d(
            site,
            d,
            dims.n(),
            dims.c(),
            dims.h(),
            dims.w(),
            strides[0],
            strides[1],
            strides[2],
            strides[3]);
    return d;
  }

  cudnnFilterDescriptor filter(Shape weight) {
    cudnnFilterDescriptor d = calls.cudnn().createFilterDescriptor(site);
    releases.push(() -> calls.cudnn().destroyFilterDescriptor(site, d));
    calls.cudnn().setFilter4d(site, d, weight.dim(0), weight.dim(1), weight.dim(2), weight.dim(3));
    return d;
  }

  cudnnConvolutionDescriptor convolution() {
    cudnnConvolutionDescriptor d = calls.cudnn().createConvolutionDescriptor(site);
    releases.push(() -> calls.cudnn().destroyConvolutionDescriptor(site, d));
    return d;
  }

  cudnnPoolingDescriptor pooling() {
    cudnnPoolingDescriptor d = calls.cudnn().createPoolingDescriptor(site);
    releases.push(() -> calls.cudnn().destroyPoolingDescriptor(site, d));
    return d;
  }

  /** An activation descriptor of a {@code cudnnActivationMode} with its coefficient. */
  cudnnActivationDescriptor activation(int mode, double coef) {
    cudnnActivationDescriptor d = calls.cudnn().createActivationDescriptor(site, mode, coef);
    releases.push(() -> calls.cudnn().destroyActivationDescriptor(site, d));
    return d;
  }

  cudnnLRNDescriptor lrn() {
    cudnnLRNDescriptor d = calls.cudnn().createLrnDescriptor(site);
    releases.push(() -> calls.cudnn().destroyLrnDescriptor(site, d));
    return d;
  }

  /** Device memory for {@code floats} floats, freed with the plan. */
  Pointer floats(long floats) {
    return bytes(CudaCalls.floatBytes(floats));
  }

  /** Device memory of {@code bytes} bytes (a workspace, int labels), freed with the plan. */
  Pointer bytes(long bytes) {
    Pointer p = calls.runtime().malloc(site, bytes);
    releases.push(() -> calls.runtime().free(site, p));
    return p;
  }

  /** Releases everything, newest first; idempotent. A closed device has released it already. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (device.isClosed()) {
      releases.clear();
      return;
    }
    device.run(
        () -> {
          Closer closer = new Closer(site);
          while (!releases.isEmpty()) {
            closer.add(releases.pop());
          }
          closer.closeAll();
        });
  }
}
