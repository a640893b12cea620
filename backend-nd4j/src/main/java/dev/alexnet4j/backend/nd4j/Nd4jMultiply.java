package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.MultiplyPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The elementwise product with libnd4j's {@code multiply}: y = a b; da = dy b; db = dy a. */
final class Nd4jMultiply implements MultiplyPlan, Nd4jPlan {
  private final Device device;
  private final Shape shape;
  private final String where;
  private final INDArray output;
  private final INDArray gradA;
  private final INDArray gradB;
  private final Nd4jTensor outputTensor;
  private final List<Tensor> gradients;
  private final Nd4jOpCall call;
  private INDArray lastA;
  private INDArray lastB;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jMultiply(Device device, Shape shape) {
    this.device = device;
    this.shape = shape;
    this.where = "nd4j multiply " + shape + " on " + device;
    this.call = new Nd4jOpCall("multiply", where, new long[0], new double[0], true);
    this.output = Nd4jOps.create(shape);
    this.gradA = Nd4jOps.create(shape);
    this.gradB = Nd4jOps.create(shape);
    this.outputTensor = Nd4jTensor.borrowing(output, shape, device);
    this.gradients =
        List.of(
            Nd4jTensor.borrowing(gradA, shape, device), Nd4jTensor.borrowing(gradB, shape, device));
  }

  @Override
  public Tensor forward(Tensor a, Tensor b) {
    checkOpen();
    INDArray x = Nd4jOps.array(a, device, shape, where + " forward", "input a");
    INDArray y = Nd4jOps.array(b, device, shape, where + " forward", "input b");
    call.exec(new INDArray[] {x, y}, new INDArray[] {output});
    lastA = x;
    lastB = y;
    return outputTensor;
  }

  @Override
  public List<Tensor> backward(Tensor outputGradient) {
    checkOpen();
    if (lastA == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy = Nd4jOps.array(outputGradient, device, shape, where + " backward", "gradient");
    call.exec(new INDArray[] {dy, lastB}, new INDArray[] {gradA});
    call.exec(new INDArray[] {dy, lastA}, new INDArray[] {gradB});
    return gradients;
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
    lastA = null;
    lastB = null;
    call.close();
    Nd4jTensor.free(output);
    Nd4jTensor.free(gradA);
    Nd4jTensor.free(gradB);
  }

  @Override
  public String toString() {
    return where;
  }
}
