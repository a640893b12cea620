package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer on {@link Nd4j#gemm} into preallocated outputs: y = x W^T + b, dW = dy^T
 * x, db = sum_n dy, dx = dy W, with W [out, in].
 *
 * <p>The input may have any shape of {@code batch * in} values (fc6 reads pool5's [N, 256, 6, 6]);
 * it is used through an [N, in] view, and the input gradient goes back through a view shaped like
 * that input.
 */
final class Nd4jDense implements DensePlan, Nd4jPlan {
  private final Device device;
  private final int batch;
  private final int inFeatures;
  private final int outFeatures;
  private final boolean inputGradient;
  private final String where;
  private final Shape outputShape;
  private final Shape weightShape;
  private final Shape biasShape;
  private final Shape matrixInputShape;
  private final long[] matrixInputDims;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;

  /** The input gradient as the tensor the last forward's input was shaped like. */
  private Nd4jTensor inputGradTensor;

  // The [N, in] view of the last forward's input, kept while the same input array comes back.
  private INDArray viewedInput;
  private INDArray lastInput;
  private INDArray lastWeight;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jDense(Device device, int batch, int inFeatures, int outFeatures, boolean inputGradient) {
    if (batch <= 0 || inFeatures <= 0 || outFeatures <= 0) {
      throw new IllegalArgumentException(
          "nd4j dense on "
              + device
              + ": batch, in and out features must be > 0, got "
              + batch
              + ", "
              + inFeatures
              + ", "
              + outFeatures);
    }
    this.device = device;
    this.batch = batch;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.inputGradient = inputGradient;
    this.where = "nd4j dense " + batch + "x" + inFeatures + " -> " + outFeatures + " on " + device;
    this.outputShape = Shape.of(batch, outFeatures);
    this.weightShape = Shape.of(outFeatures, inFeatures);
    this.biasShape = Shape.of(outFeatures);
    this.matrixInputShape = Shape.of(batch, inFeatures);
    this.matrixInputDims = new long[] {batch, inFeatures};
    this.output = Nd4jOps.create(outputShape);
    this.outputTensor = Nd4jTensor.borrowing(output, outputShape, device);
    this.inputGrad = inputGradient ? Nd4jOps.create(matrixInputShape) : null;
    this.inputGradTensor =
        inputGradient ? Nd4jTensor.borrowing(inputGrad, matrixInputShape, device) : null;
  }

  @Override
  public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
    checkOpen();
    Nd4jTensor in = Nd4jOps.tensor(input, device, where + " forward", "input");
    Shape s = in.shape();
    if (s.batch() != batch || s.sampleSize() != inFeatures) {
      throw new IllegalArgumentException(
          where
              + " forward: input has shape "
              + s
              + ", expected "
              + batch
              + " samples of "
              + inFeatures
              + " values");
    }
    INDArray w = Nd4jOps.array(weight, device, weightShape, where + " forward", "weight");
    INDArray b =
        bias == null ? null : Nd4jOps.array(bias, device, biasShape, where + " forward", "bias");
    INDArray x = in.array();
    if (x != viewedInput) {
      lastInput = Nd4jOps.reshapeView(x, matrixInputDims, where);
      viewedInput = x;
    }
    if (inputGradient && !inputGradTensor.shape().equals(s)) {
      inputGradTensor =
          Nd4jTensor.borrowing(
              Nd4jOps.reshapeView(inputGrad, in.array().shape(), where), s, device);
    }
    gemm(lastInput, w, output, false, true);
    if (b != null) {
      output.addiRowVector(b);
    }
    lastWeight = w;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy =
        Nd4jOps.array(outputGradient, device, outputShape, where + " backward", "output gradient");
    INDArray dw =
        Nd4jOps.array(weightGradient, device, weightShape, where + " backward", "weight gradient");
    gemm(dy, lastInput, dw, true, false);
    if (biasGradient != null) {
      INDArray db =
          Nd4jOps.array(biasGradient, device, biasShape, where + " backward", "bias gradient");
      dy.sum(db, 0);
    }
    if (!inputGradient) {
      return null;
    }
    gemm(dy, lastWeight, inputGrad, false, false);
    return inputGradTensor;
  }

  private void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
    try {
      Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
    } catch (RuntimeException e) {
      throw new IllegalStateException("nd4j gemm failed in " + where + ": " + e.getMessage(), e);
    }
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
    viewedInput = null;
    lastWeight = null;
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
  }

  @Override
  public String toString() {
    return where;
  }
}
