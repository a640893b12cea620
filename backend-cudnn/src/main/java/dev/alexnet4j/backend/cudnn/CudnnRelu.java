package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

/** ReLU through {@code cudnnActivationForward/Backward}, with NaN propagated. Any shape. */
final class CudnnRelu implements ElementwisePlan {
  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final Shape shape;
  private final PlanResources resources;
  private cudnnTensorDescriptor desc;
  private cudnnActivationDescriptor relu;
  private CudnnTensor output;
  private CudnnTensor inputGrad;
  private CudnnTensor lastInput;
  private boolean closed;

  CudnnRelu(CudaDevice device, Shape shape) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.shape = shape;
    this.site = new CallSite(device.device().toString(), "cudnn relu " + shape);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            desc = resources.tensor(shape);
            relu = resources.relu();
            output = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            inputGrad = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    CudnnTensor x = CudnnTensor.of(input, device, shape, site.layer() + " forward", "input");
    device.run(
        () ->
            cudnn.activationForward(
                site, device.cudnn(), relu, desc, x.pointer(), output.pointer()));
    lastInput = x;
    return output;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    String where = site.layer() + " backward";
    if (lastInput == null) {
      throw new IllegalStateException(where + ": called before any forward");
    }
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, shape, where, "gradient");
    device.run(
        () ->
            cudnn.activationBackward(
                site,
                device.cudnn(),
                relu,
                desc,
                output.pointer(),
                dy.pointer(),
                lastInput.pointer(),
                inputGrad.pointer()));
    return inputGrad;
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
    lastInput = null;
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
