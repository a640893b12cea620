package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnSoftmaxAlgorithm;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Softmax by cuDNN (accurate: max-subtracted), the loss from cuDNN's log-softmax so that a
 * confidently wrong sample gives a large finite loss rather than log(0), and the gradient (p -
 * onehot) / N by a kernel. Only N log-probabilities come back to the host for the loss.
 */
final class CudnnSoftmaxCrossEntropy implements SoftmaxCrossEntropyPlan {
  private final CudaDevice device;
  private final CudnnCalls cudnn;
  private final CallSite site;
  private final int batch;
  private final int classes;
  private final Shape shape;
  private final PlanResources resources;
  private cudnnTensorDescriptor desc;
  private CudnnTensor probabilities;
  private CudnnTensor gradient;
  private Pointer logProbabilities;
  private Pointer labelBuffer;
  private Pointer picked;
  private CudnnTensor lastLogits;
  private boolean closed;

  CudnnSoftmaxCrossEntropy(CudaDevice device, int batch, int classes) {
    this.device = device;
    this.cudnn = device.calls().cudnn();
    this.site =
        new CallSite(
            device.device().toString(), "cudnn softmax cross-entropy " + batch + "x" + classes);
    if (batch <= 0 || classes <= 0) {
      throw new IllegalArgumentException(site.layer() + ": batch and classes must be > 0");
    }
    this.batch = batch;
    this.classes = classes;
    this.shape = Shape.of(batch, classes);
    this.resources = new PlanResources(device, site);
    try {
      device.run(
          () -> {
            desc = resources.tensor(shape);
            probabilities = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            gradient = CudnnTensor.borrowing(resources.floats(shape.size()), shape, device);
            logProbabilities = resources.floats(shape.size());
            labelBuffer = resources.bytes(4L * batch);
            picked = resources.floats(batch);
          });
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public Tensor forward(Tensor logits) {
    checkOpen();
    CudnnTensor z = CudnnTensor.of(logits, device, shape, site.layer() + " forward", "logits");
    device.run(
        () ->
            cudnn.softmaxForward(
                site,
                device.cudnn(),
                cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_ACCURATE,
                desc,
                z.pointer(),
                probabilities.pointer()));
    lastLogits = z;
    return probabilities;
  }

  @Override
  public float loss(int[] labels) {
    checkOpen();
    checkLabels(labels, "loss");
    float[] logp =
        device.call(
            () -> {
              cudnn.softmaxForward(
                  site,
                  device.cudnn(),
                  cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_LOG,
                  desc,
                  lastLogits.pointer(),
                  logProbabilities);
              device.uploadInts(site, labels, labelBuffer);
              device
                  .kernels()
                  .gatherLabels(site, logProbabilities, labelBuffer, picked, batch, classes);
              return device.download(site, picked, batch);
            });
    double sum = 0;
    for (float v : logp) {
      sum -= v;
    }
    double mean = sum / batch;
    // Finite logits give a finite loss: a mean past the float range is the largest float, so
    // only NaN or infinite logits can stop a run as non-finite (as on the ND4J backend).
    return Double.isFinite(mean) ? (float) Math.min(mean, Float.MAX_VALUE) : (float) mean;
  }

  @Override
  public Tensor backward(int[] labels) {
    checkOpen();
    checkLabels(labels, "backward");
    device.run(
        () -> {
          device.uploadInts(site, labels, labelBuffer);
          device
              .kernels()
              .crossEntropyGradient(
                  site, probabilities.pointer(), labelBuffer, gradient.pointer(), batch, classes);
        });
    return gradient;
  }

  private void checkLabels(int[] labels, String call) {
    PlanChecks.labels(site.layer(), call, lastLogits != null, labels, batch, classes);
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
    lastLogits = null;
    resources.close();
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
