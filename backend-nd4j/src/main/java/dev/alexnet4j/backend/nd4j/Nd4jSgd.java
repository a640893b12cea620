package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;

/**
 * The paper's update, in place and without allocating:
 *
 * <pre>
 * v &lt;- momentum * v - weightDecay * lr * w - lr * g
 * w &lt;- w + v
 * </pre>
 *
 * as one scalar multiply, two axpy ops and one add over the parameter's memory.
 */
final class Nd4jSgd implements SgdPlan {
  private final Device device;
  private final String where;
  private boolean closed;

  Nd4jSgd(Device device) {
    this.device = device;
    this.where = "nd4j sgd on " + device;
  }

  @Override
  public void update(
      Tensor weight, Tensor gradient, Tensor velocity, SgdHyperparameters hyperparameters) {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
    if (hyperparameters == null) {
      throw new IllegalArgumentException(where + ": hyperparameters must not be null");
    }
    Nd4jTensor wt = Nd4jOps.tensor(weight, device, where, "weight");
    INDArray w = wt.array();
    INDArray g = Nd4jOps.array(gradient, device, wt.shape(), where, "gradient");
    INDArray v = Nd4jOps.array(velocity, device, wt.shape(), where, "velocity");
    float lr = hyperparameters.learningRate();
    v.muli(hyperparameters.momentum());
    Nd4jOps.exec(new Axpy(w, v, v, -(hyperparameters.weightDecay() * lr)), where);
    Nd4jOps.exec(new Axpy(g, v, v, -lr), where);
    Nd4jOps.exec(new AddOp(w, v, w), where);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return where;
  }
}
