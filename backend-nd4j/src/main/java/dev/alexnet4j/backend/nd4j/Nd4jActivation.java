package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;

/**
 * An {@link Activation} with libnd4j's ops: the legacy transforms {@code tanh}, {@code sigmoid} and
 * {@code exp} and the custom op {@code elu} forward; the custom ops {@code tanh_bp}, {@code
 * sigmoid_bp} (from the input x), {@code multiply} (exp: dx = dy y) and ELU's below backward.
 * Outputs are preallocated; nothing is copied to the host.
 *
 * <p>ELU's backward is dy for x > 0 and dy (y + alpha) otherwise, at x = 0 included, as cuDNN's:
 * libnd4j's {@code elu_bp} passes dy at x = 0 (slope 1, not alpha), which the conformance suite
 * caught. So it is a = dy (y + alpha), then dx = step(x) (dy - a) + a, with step(x) = 1 for x > 0
 * (NaN excluded, as ReLU's) from {@code relu_bp} of a tensor of ones.
 */
final class Nd4jActivation implements ElementwisePlan, Nd4jPlan {
  private final Device device;
  private final Shape shape;
  private final Activation function;
  private final String where;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;
  private final Nd4jOpCall forwardCall;
  private final Nd4jOpCall backwardCall;
  private final INDArray ones;
  private final INDArray step;
  private final INDArray scaled;
  private INDArray lastInput;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jActivation(Device device, Shape shape, Activation function) {
    this.device = device;
    this.shape = shape;
    this.function = function;
    this.where = "nd4j " + function + " " + shape + " on " + device;
    double[] alpha = {function.alpha()};
    this.forwardCall =
        function.function() == Activation.Function.ELU
            ? new Nd4jOpCall("elu", where, new long[0], alpha, true)
            : null;
    this.backwardCall =
        switch (function.function()) {
          case TANH -> new Nd4jOpCall("tanh_bp", where, new long[0], new double[0], true);
          case SIGMOID -> new Nd4jOpCall("sigmoid_bp", where, new long[0], new double[0], true);
          case EXP -> new Nd4jOpCall("multiply", where, new long[0], new double[0], true);
          case ELU -> new Nd4jOpCall("relu_bp", where, new long[0], new double[] {0.0}, true);
        };
    boolean elu = function.function() == Activation.Function.ELU;
    this.ones = elu ? Nd4jOps.create(shape).assign(1.0f) : null;
    this.step = elu ? Nd4jOps.create(shape) : null;
    this.scaled = elu ? Nd4jOps.create(shape) : null;
    this.output = Nd4jOps.create(shape);
    this.outputTensor = Nd4jTensor.borrowing(output, shape, device);
    this.inputGrad = Nd4jOps.create(shape);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, shape, device);
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    INDArray x = Nd4jOps.array(input, device, shape, where + " forward", "input");
    switch (function.function()) {
      case TANH -> Nd4jOps.exec(new Tanh(x, output), where);
      case SIGMOID -> Nd4jOps.exec(new Sigmoid(x, output), where);
      case EXP -> Nd4jOps.exec(new Exp(x, output), where);
      case ELU -> forwardCall.exec(new INDArray[] {x}, new INDArray[] {output});
    }
    lastInput = x;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy = Nd4jOps.array(outputGradient, device, shape, where + " backward", "gradient");
    switch (function.function()) {
      case TANH, SIGMOID ->
          backwardCall.exec(new INDArray[] {lastInput, dy}, new INDArray[] {inputGrad});
      case EXP -> backwardCall.exec(new INDArray[] {output, dy}, new INDArray[] {inputGrad});
      case ELU -> {
        try {
          scaled.assign(output).addi(function.alpha()).muli(dy);
          backwardCall.exec(new INDArray[] {lastInput, ones}, new INDArray[] {step});
          inputGrad.assign(dy).subi(scaled).muli(step).addi(scaled);
        } catch (RuntimeException e) {
          throw new IllegalStateException(where + " backward failed: " + e.getMessage(), e);
        }
      }
    }
    return inputGradTensor;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
    lastInput = null;
    if (forwardCall != null) {
      forwardCall.close();
    }
    backwardCall.close();
    if (ones != null) {
      Nd4jTensor.free(ones);
      Nd4jTensor.free(step);
      Nd4jTensor.free(scaled);
    }
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
  }

  @Override
  public String toString() {
    return where;
  }
}
