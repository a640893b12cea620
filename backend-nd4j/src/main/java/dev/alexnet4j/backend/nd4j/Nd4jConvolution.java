package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Convolution with libnd4j's {@code conv2d} / {@code conv2d_bp} (oneDNN in the default build), NCHW
 * data and OIYX ([outC, inC / groups, kH, kW]) weights.
 *
 * <p>libnd4j has no groups argument. A grouped convolution runs one op per group on channel-slice
 * views of input, weights, bias, output and gradients: the op reads and writes through the views'
 * strides, which docs/BACKEND-NOTES.md measured to be exact and faster than copying the slices
 * (conv2 forward 56 ms through views vs 67 ms on copies). Views of the plan's own arrays are made
 * once here; views of the caller's arrays are kept while the same arrays come back (see {@link
 * Nd4jSlices}).
 */
final class Nd4jConvolution implements ConvolutionPlan, Nd4jPlan {
  private static final int DATA_NCHW = 0;
  private static final int WEIGHTS_OIYX = 1;
  private static final int EXPLICIT_PADDING = 0;

  private final Nd4jConvolutionOperands operands;
  private final ConvolutionGeometry geometry;
  private final boolean inputGradient;
  private final String where;
  // One op context per input count: a context keeps the inputs bound last, so one that ran with a
  // bias would still see it in a call without.
  private final Nd4jOpCall forwardWithBias;
  private final Nd4jOpCall forwardWithoutBias;
  private final Nd4jOpCall backwardWithBias;
  private final Nd4jOpCall backwardWithoutBias;
  private final int groups;

  private final INDArray output;
  private final Nd4jTensor outputTensor;

  /**
   * conv2d_bp always writes the input gradient, so a plan without one still needs somewhere to put
   * it; it is never returned.
   */
  private final INDArray inputGrad;

  private final Nd4jTensor inputGradTensor;

  /** Stands in for a missing forward bias when a bias gradient is asked for. */
  private final INDArray zeroBias;

  // Views of the plan's own arrays: made once.
  private final INDArray[] outputSlices;
  private final INDArray[] inputGradSlices;
  private final INDArray[] zeroBiasSlices;

  // Views of the caller's arrays: made again only when another array comes in.
  private final Nd4jSlices weightSlices;
  private final Nd4jSlices biasSlices;
  private final Nd4jSlices outputGradSlices;
  private final Nd4jSlices weightGradSlices;
  private final Nd4jSlices biasGradSlices;
  private final Nd4jSlices groupInputSlices;

  private INDArray lastInput;
  private INDArray lastWeight;
  private INDArray lastBias;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jConvolution(Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient) {
    this.operands = new Nd4jConvolutionOperands("nd4j", device, input, geometry);
    this.geometry = geometry;
    this.inputGradient = inputGradient;
    this.groups = geometry.groups();
    this.where = operands.where;
    long[] iArgs =
        new long[] {
          geometry.kernelHeight(),
          geometry.kernelWidth(),
          geometry.strideHeight(),
          geometry.strideWidth(),
          geometry.padHeight(),
          geometry.padWidth(),
          1,
          1,
          EXPLICIT_PADDING,
          DATA_NCHW,
          WEIGHTS_OIYX
        };
    this.forwardWithBias = Nd4jOpCall.of("conv2d", where, iArgs);
    this.forwardWithoutBias = Nd4jOpCall.of("conv2d", where, iArgs);
    this.backwardWithBias = Nd4jOpCall.of("conv2d_bp", where, iArgs);
    this.backwardWithoutBias = Nd4jOpCall.of("conv2d_bp", where, iArgs);
    this.output = Nd4jOps.create(operands.output);
    this.outputTensor = Nd4jTensor.borrowing(output, operands.output, device);
    this.inputGrad = Nd4jOps.create(input);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, input, device);
    this.zeroBias = Nd4jOps.create(operands.bias);
    this.outputSlices = Nd4jSlices.slice(output, 1, groups);
    this.inputGradSlices = Nd4jSlices.slice(inputGrad, 1, groups);
    this.zeroBiasSlices = Nd4jSlices.slice(zeroBias, 0, groups);
    this.groupInputSlices = new Nd4jSlices(1, groups);
    this.weightSlices = new Nd4jSlices(0, groups);
    this.biasSlices = new Nd4jSlices(0, groups);
    this.outputGradSlices = new Nd4jSlices(1, groups);
    this.weightGradSlices = new Nd4jSlices(0, groups);
    this.biasGradSlices = new Nd4jSlices(0, groups);
  }

  @Override
  public Shape outputShape() {
    return operands.output;
  }

  @Override
  public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
    checkOpen();
    INDArray x = operands.input(input);
    INDArray w = operands.weight(weight);
    INDArray b = operands.bias(bias, null);
    if (groups == 1) {
      if (b == null) {
        forwardWithoutBias.exec(new INDArray[] {x, w}, new INDArray[] {output});
      } else {
        forwardWithBias.exec(new INDArray[] {x, w, b}, new INDArray[] {output});
      }
    } else {
      INDArray[] xs = groupInputSlices.of(x);
      INDArray[] ws = weightSlices.of(w);
      INDArray[] bs = b == null ? null : biasSlices.of(b);
      for (int g = 0; g < groups; g++) {
        if (bs == null) {
          forwardWithoutBias.exec(new INDArray[] {xs[g], ws[g]}, new INDArray[] {outputSlices[g]});
        } else {
          forwardWithBias.exec(
              new INDArray[] {xs[g], ws[g], bs[g]}, new INDArray[] {outputSlices[g]});
        }
      }
    }
    lastInput = x;
    lastWeight = w;
    lastBias = b;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy = operands.outputGradient(outputGradient);
    INDArray dw = operands.weightGradient(weightGradient);
    INDArray db = operands.biasGradient(biasGradient, null);
    // The bias input only tells conv2d_bp to produce a bias gradient; its values do not matter.
    INDArray b = db == null ? null : lastBias == null ? zeroBias : lastBias;
    if (groups == 1) {
      if (db == null) {
        backwardWithoutBias.exec(
            new INDArray[] {lastInput, lastWeight, dy}, new INDArray[] {inputGrad, dw});
      } else {
        backwardWithBias.exec(
            new INDArray[] {lastInput, lastWeight, b, dy}, new INDArray[] {inputGrad, dw, db});
      }
    } else {
      INDArray[] xs = groupInputSlices.of(lastInput);
      INDArray[] ws = weightSlices.of(lastWeight);
      INDArray[] bs = db == null ? null : b == zeroBias ? zeroBiasSlices : biasSlices.of(b);
      INDArray[] dys = outputGradSlices.of(dy);
      INDArray[] dws = weightGradSlices.of(dw);
      INDArray[] dbs = db == null ? null : biasGradSlices.of(db);
      for (int g = 0; g < groups; g++) {
        if (dbs == null) {
          backwardWithoutBias.exec(
              new INDArray[] {xs[g], ws[g], dys[g]}, new INDArray[] {inputGradSlices[g], dws[g]});
        } else {
          backwardWithBias.exec(
              new INDArray[] {xs[g], ws[g], bs[g], dys[g]},
              new INDArray[] {inputGradSlices[g], dws[g], dbs[g]});
        }
      }
    }
    return inputGradient ? inputGradTensor : null;
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
    for (Nd4jOpCall call :
        new Nd4jOpCall[] {
          forwardWithBias, forwardWithoutBias, backwardWithBias, backwardWithoutBias
        }) {
      call.close();
    }
    lastInput = null;
    lastWeight = null;
    lastBias = null;
    for (Nd4jSlices s :
        new Nd4jSlices[] {
          groupInputSlices,
          weightSlices,
          biasSlices,
          outputGradSlices,
          weightGradSlices,
          biasGradSlices
        }) {
      s.clear();
    }
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
    Nd4jTensor.free(zeroBias);
  }

  @Override
  public String toString() {
    return where;
  }
}
