package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Max pooling on cuDNN. cuDNN's output size is floor((in + 2 pad - window) / stride) + 1, as {@link
 * PoolingGeometry} defines it, and padded positions never win. In deterministic mode the mode is
 * {@code CUDNN_POOLING_MAX_DETERMINISTIC}: with overlapping windows (the paper's 3/2) the plain
 * mode's backward may add into one input from several windows in any order.
 */
final class CudnnMaxPooling implements PoolingPlan {
  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final Shape inputShape;
  private final Shape outputShape;
  private final PlanResources resources;
  private cudnnTensorDescriptor xDesc;
  private cudnnTensorDescriptor yDesc;
  private cudnnPoolingDescriptor pool;
  private CudnnTensor output;
  private CudnnTensor inputGrad;
  private CudnnTensor lastInput;
  private boolean closed;

  CudnnMaxPooling(CudaDevice device, Shape input, PoolingGeometry geometry, boolean deterministic) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.inputShape = input;
    this.outputShape = geometry.outputShape(input);
    this.site =
        new CallSite(
            device.device().toString(),
            "cudnn max pooling "
                + input
                + " -> "
                + outputShape
                + " (window "
                + geometry.kernel()
                + ", stride "
                + geometry.stride()
                + ", pad "
                + geometry.pad()
                + ")");
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            xDesc = resources.tensor(inputShape);
            yDesc = resources.tensor(outputShape);
            pool = resources.pooling();
            cudnn.setPooling2d(
                site,
                pool,
                deterministic
                    ? cudnnPoolingMode.CUDNN_POOLING_MAX_DETERMINISTIC
                    : cudnnPoolingMode.CUDNN_POOLING_MAX,
                geometry.kernel(),
                geometry.kernel(),
                geometry.pad(),
                geometry.pad(),
                geometry.stride(),
                geometry.stride());
            output =
                CudnnTensor.borrowing(resources.floats(outputShape.size()), outputShape, device);
            inputGrad = CudnnTensor.borrowing(resources.floats(inputShape.size()), input, device);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    CudnnTensor x = CudnnTensor.of(input, device, inputShape, site.layer() + " forward", "input");
    Pointer y = output.pointer();
    device.run(
        () -> cudnn.poolingForward(site, device.cudnn(), pool, xDesc, x.pointer(), yDesc, y));
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
    CudnnTensor dy = CudnnTensor.of(outputGradient, device, outputShape, where, "gradient");
    device.run(
        () ->
            cudnn.poolingBackward(
                site,
                device.cudnn(),
                pool,
                yDesc,
                output.pointer(),
                dy.pointer(),
                xDesc,
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
