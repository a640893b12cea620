package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * The paper's update, in place, in one kernel pass over weight, gradient and velocity:
 *
 * <pre>
 * v &lt;- momentum * v - weightDecay * lr * w - lr * g
 * w &lt;- w + v
 * </pre>
 *
 * in the ND4J backend's order of operations (see {@code sgd_update} in kernels.cu).
 */
final class CudnnSgd implements SgdPlan {
  private final CudaDevice device;
  private final CallSite site;
  private boolean closed;

  CudnnSgd(CudaDevice device) {
    this.device = device;
    this.site = new CallSite(device.device().toString(), "cudnn sgd");
  }

  @Override
  public void update(
      Tensor weight, Tensor gradient, Tensor velocity, SgdHyperparameters hyperparameters) {
    if (closed) {
      throw new IllegalStateException(site + ": plan was closed");
    }
    if (hyperparameters == null) {
      throw new IllegalArgumentException(site + ": hyperparameters must not be null");
    }
    String where = site.layer();
    CudnnTensor w = CudnnTensor.of(weight, where, "weight");
    CudnnTensor g = CudnnTensor.of(gradient, device, w.shape(), where, "gradient");
    CudnnTensor v = CudnnTensor.of(velocity, device, w.shape(), where, "velocity");
    CudnnTensor.of(weight, device, w.shape(), where, "weight");
    float lr = hyperparameters.learningRate();
    float minusDecayTimesRate = -(hyperparameters.weightDecay() * lr);
    device.run(
        () ->
            device
                .kernels()
                .sgd(
                    site,
                    w.pointer(),
                    g.pointer(),
                    v.pointer(),
                    Math.toIntExact(w.shape().size()),
                    hyperparameters.momentum(),
                    minusDecayTimesRate,
                    -lr));
  }

  @Override
  public void close() {
    closed = true;
    device.plans().closed(this);
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
