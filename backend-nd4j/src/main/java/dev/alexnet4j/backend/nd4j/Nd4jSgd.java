package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
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
 * as one Java loop over the three arrays' host memory ({@link Nd4jHostLoops}): the update is
 * memory-bound, and libnd4j could only do it as a scalar multiply, two axpy ops and an add, reading
 * and writing 11 arrays' worth of memory where the fused loop touches 5 (126-154 ms for AlexNet's
 * 61 M parameters on 2 cores became 96-100 ms, about 12 GB/s, in alternating runs at load average
 * 2). Arrays that are not contiguous host memory (views, nd4j-cuda) still take the four ND4J ops.
 */
final class Nd4jSgd implements SgdPlan, Nd4jPlan {
  private final Device device;
  private final String where;
  private boolean closed;
  private OpenPlans openPlans;

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
    FloatBuffer wb = Nd4jHostLoops.floats(w);
    FloatBuffer gb = Nd4jHostLoops.floats(g);
    FloatBuffer vb = Nd4jHostLoops.floats(v);
    if (wb != null && gb != null && vb != null) {
      float m = hyperparameters.momentum();
      float decay = -(hyperparameters.weightDecay() * lr);
      float step = -lr;
      Nd4jHostLoops.parallel(
          wb.capacity(),
          (from, to) -> {
            for (int i = from; i < to; i++) {
              float wi = wb.get(i);
              // The same float operations, in the same order, as the ND4J ops below.
              float vi = m * vb.get(i) + decay * wi + step * gb.get(i);
              vb.put(i, vi);
              wb.put(i, wi + vi);
            }
          });
      return;
    }
    v.muli(hyperparameters.momentum());
    Nd4jOps.exec(new Axpy(w, v, v, -(hyperparameters.weightDecay() * lr)), where);
    Nd4jOps.exec(new Axpy(g, v, v, -lr), where);
    Nd4jOps.exec(new AddOp(w, v, w), where);
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
