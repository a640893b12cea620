package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax with libnd4j's {@code softmax} along the class axis, and the cross-entropy loss and
 * gradient computed here: libnd4j's softmax cross-entropy ops print to stdout and smooth the labels
 * by 1e-6 (docs/BACKEND-NOTES.md).
 *
 * <p>The loss reads {@code log_softmax} of the logits rather than the log of p, so that a
 * confidently wrong sample gives a large finite loss, not log(0). Only N values come back to the
 * host for it, except for a row where libnd4j's {@code log_softmax} (which takes the log of the
 * normalised exponentials) underflowed to -Infinity: that row is recomputed on the host in double,
 * so finite logits always give a finite loss. The gradient is p / N with 1 / N taken off the N
 * label entries.
 */
final class Nd4jSoftmaxCrossEntropy implements SoftmaxCrossEntropyPlan, Nd4jPlan {
  private static final long CLASS_AXIS = 1;

  private final Device device;
  private final int batch;
  private final int classes;
  private final Shape shape;
  private final String where;
  private final INDArray probabilities;
  private final Nd4jTensor probabilitiesTensor;
  private final INDArray logProbabilities;
  private final INDArray gradient;
  private final Nd4jTensor gradientTensor;
  private final Nd4jOpCall softmax;
  private final Nd4jOpCall logSoftmax;
  private INDArray lastLogits;
  private boolean logProbabilitiesCurrent;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jSoftmaxCrossEntropy(Device device, int batch, int classes) {
    if (batch <= 0 || classes <= 0) {
      throw new IllegalArgumentException(
          "nd4j softmax cross-entropy on "
              + device
              + ": batch and classes must be > 0, got "
              + batch
              + ", "
              + classes);
    }
    this.device = device;
    this.batch = batch;
    this.classes = classes;
    this.shape = Shape.of(batch, classes);
    this.where = "nd4j softmax cross-entropy " + shape + " on " + device;
    this.probabilities = Nd4jOps.create(shape);
    this.probabilitiesTensor = Nd4jTensor.borrowing(probabilities, shape, device);
    this.logProbabilities = Nd4jOps.create(shape);
    this.gradient = Nd4jOps.create(shape);
    this.gradientTensor = Nd4jTensor.borrowing(gradient, shape, device);
    this.softmax = Nd4jOpCall.of("softmax", where, CLASS_AXIS);
    this.logSoftmax = Nd4jOpCall.of("log_softmax", where, CLASS_AXIS);
  }

  @Override
  public Tensor forward(Tensor logits) {
    checkOpen();
    INDArray z = Nd4jOps.array(logits, device, shape, where + " forward", "logits");
    softmax.exec(new INDArray[] {z}, new INDArray[] {probabilities});
    lastLogits = z;
    logProbabilitiesCurrent = false;
    return probabilitiesTensor;
  }

  @Override
  public float loss(int[] labels) {
    checkOpen();
    checkLabels(labels, "loss");
    if (!logProbabilitiesCurrent) {
      logSoftmax.exec(new INDArray[] {lastLogits}, new INDArray[] {logProbabilities});
      logProbabilitiesCurrent = true;
    }
    double sum = 0;
    for (int n = 0; n < batch; n++) {
      double logp = logProbabilities.getDouble(n, labels[n]);
      if (!Double.isFinite(logp)) {
        // libnd4j's log_softmax is log(exp(z - max) / sum), which is log(0) = -Infinity once the
        // label's logit lies ~104 below the row's maximum: finite logits, infinite loss. Such a
        // row is taken again on the host, in double, as z - max - log(sum exp(z - max)).
        logp = hostLogSoftmax(n, labels[n]);
      }
      sum -= logp;
    }
    double mean = sum / batch;
    // Finite logits near the ends of the float range can give a mean past Float.MAX_VALUE.
    return Double.isFinite(mean) ? (float) Math.min(mean, Float.MAX_VALUE) : (float) mean;
  }

  /** log p[n, label] of the last forward's logits, in double; NaN or infinite logits stay so. */
  private double hostLogSoftmax(int n, int label) {
    double[] z = lastLogits.getRow(n).toDoubleVector();
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return z[label] - max - Math.log(sum);
  }

  @Override
  public Tensor backward(int[] labels) {
    checkOpen();
    checkLabels(labels, "backward");
    double inverseBatch = 1.0 / batch;
    gradient.assign(probabilities);
    for (int n = 0; n < batch; n++) {
      gradient.putScalar(n, labels[n], gradient.getDouble(n, labels[n]) - 1.0);
    }
    gradient.muli(inverseBatch);
    return gradientTensor;
  }

  private void checkLabels(int[] labels, String call) {
    PlanChecks.labels(where, call, lastLogits != null, labels, batch, classes);
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
    lastLogits = null;
    softmax.close();
    logSoftmax.close();
    Nd4jTensor.free(probabilities);
    Nd4jTensor.free(logProbabilities);
    Nd4jTensor.free(gradient);
  }

  @Override
  public String toString() {
    return where;
  }
}
