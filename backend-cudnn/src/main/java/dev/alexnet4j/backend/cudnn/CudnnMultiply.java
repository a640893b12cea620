package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.MultiplyPlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/** The elementwise product with the {@code multiply_f32} kernel: y = a b; da = dy b; db = dy a. */
final class CudnnMultiply implements MultiplyPlan {
  private final CudaDevice device;
  private final CallSite site;
  private final Shape shape;
  private final PlanResources resources;
  private final int size;
  private CudnnTensor output;
  private CudnnTensor gradA;
  private CudnnTensor gradB;
  private List<Tensor> gradients;
  private CudnnTensor lastA;
  private CudnnTensor lastB;
  private boolean closed;

  CudnnMultiply(CudaDevice device, Shape shape) {
    this.device = device;
    this.shape = shape;
    this.size = Math.toIntExact(shape.size());
    this.site = new CallSite(device.device().toString(), "cudnn multiply " + shape);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            output = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            gradA = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            gradB = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
    this.gradients = List.of(gradA, gradB);
  }

  @Override
  public Tensor forward(Tensor a, Tensor b) {
    checkOpen();
    String where = site.layer() + " forward";
    CudnnTensor x = CudnnTensor.of(a, device, shape, where, "input a");
    CudnnTensor y = CudnnTensor.of(b, device, shape, where, "input b");
    device.run(
        () -> device.kernels().multiply(site, x.pointer(), y.pointer(), output.pointer(), size));
    lastA = x;
    lastB = y;
    return output;
  }

  @Override
  public List<Tensor> backward(Tensor outputGradient) {
    checkOpen();
    String where = site.layer() + " backward";
    if (lastA == null) {
      throw new IllegalStateException(where + ": called before any forward");
    }
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, shape, where, "gradient");
    device.run(
        () -> {
          device.kernels().multiply(site, dy.pointer(), lastB.pointer(), gradA.pointer(), size);
          device.kernels().multiply(site, dy.pointer(), lastA.pointer(), gradB.pointer(), size);
        });
    return gradients;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(site + ": plan was closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.plans().closed(this);
    lastA = null;
    lastB = null;
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
