package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * An elementwise function: ReLU ({@link #relu}) and the {@link Activation}s tanh, sigmoid and ELU
 * through {@code cudnnActivationForward/Backward} (modes {@code CUDNN_ACTIVATION_RELU}, {@code
 * _TANH}, {@code _SIGMOID}, {@code _ELU} with alpha as coef, NaN propagated); exp, which cuDNN
 * lacks, with this backend's {@code exp_f32} kernel forward and {@code multiply_f32} backward (dx =
 * dy y). Any shape.
 */
final class CudnnActivation implements ElementwisePlan {
  private static final int NO_MODE = -1;

  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final Shape shape;
  private final PlanResources resources;
  private final int size;
  private cudnnTensorDescriptor desc;
  private cudnnActivationDescriptor activation;
  private CudnnTensor output;
  private CudnnTensor inputGrad;
  private CudnnTensor lastInput;
  private boolean closed;

  CudnnActivation(CudaDevice device, Shape shape, Activation function) {
    this(
        device,
        shape,
        function.toString(),
        function.function() == Activation.Function.EXP ? NO_MODE : mode(function),
        function.alpha());
  }

  /** ReLU, the paper's nonlinearity. */
  static CudnnActivation relu(CudaDevice device, Shape shape) {
    return new CudnnActivation(
        device, shape, "relu", cudnnActivationMode.CUDNN_ACTIVATION_RELU, 0.0);
  }

  /** {@code mode} a {@code cudnnActivationMode}, or {@link #NO_MODE} for exp (kernels). */
  private CudnnActivation(CudaDevice device, Shape shape, String name, int mode, double coef) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.shape = shape;
    this.size = Math.toIntExact(shape.size());
    this.site = new CallSite(device.device().toString(), "cudnn " + name + " " + shape);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            if (mode != NO_MODE) {
              desc = resources.tensor(shape);
              activation = resources.activation(mode, coef);
            }
            output = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            inputGrad = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  /** The cuDNN activation mode of a function cuDNN has. */
  static int mode(Activation function) {
    return switch (function.function()) {
      case TANH -> cudnnActivationMode.CUDNN_ACTIVATION_TANH;
      case SIGMOID -> cudnnActivationMode.CUDNN_ACTIVATION_SIGMOID;
      case ELU -> cudnnActivationMode.CUDNN_ACTIVATION_ELU;
      case EXP -> throw new IllegalArgumentException("cuDNN has no exp activation mode");
    };
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    CudnnTensor x = CudnnTensor.of(input, device, shape, site.layer() + " forward", "input");
    if (activation == null) {
      device.run(() -> device.kernels().exp(site, x.pointer(), output.pointer(), size));
    } else {
      device.run(
          () ->
              cudnn.activationForward(
                  site, device.cudnn(), activation, desc, x.pointer(), output.pointer()));
    }
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
    if (activation == null) {
      device.run(
          () ->
              device
                  .kernels()
                  .multiply(site, dy.pointer(), output.pointer(), inputGrad.pointer(), size));
    } else {
      device.run(
          () ->
              cudnn.activationBackward(
                  site,
                  device.cudnn(),
                  activation,
                  desc,
                  output.pointer(),
                  dy.pointer(),
                  lastInput.pointer(),
                  inputGrad.pointer()));
    }
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
