package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU with libnd4j's {@code relu} / {@code relu_bp} (cutoff 0): y = max(x, 0); dx = dy where x >
 * 0, else 0.
 *
 * <p>On the CPU the backward pass is a Java loop over the arrays' memory ({@link Nd4jHostLoops}):
 * libnd4j's {@code relu_bp} ran at a quarter of memory speed (23-24 ms for relu1 at batch 32 on 2
 * threads, against 5 ms for its forward; 13 ms here). The forward stays libnd4j's.
 */
final class Nd4jRelu implements ElementwisePlan, Nd4jPlan {
  private static final double[] CUTOFF = {0.0};

  private final Device device;
  private final Shape shape;
  private final String where;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;
  private final Nd4jOpCall forwardCall;
  private final Nd4jOpCall backwardCall;

  /** Elements per task of the backward loop: its two heap chunks stay in the L2 cache. */
  private static final int CHUNK = 1 << 14;

  private final boolean host;
  private final ThreadLocal<float[][]> chunks;
  private INDArray lastInput;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jRelu(Device device, Shape shape) {
    this(device, shape, Nd4jHostLoops.available());
  }

  /** With {@code hostLoops = false} libnd4j's relu_bp, also on the CPU (tests compare the two). */
  Nd4jRelu(Device device, Shape shape, boolean hostLoops) {
    this.device = device;
    this.shape = shape;
    this.where = "nd4j relu " + shape + " on " + device;
    this.output = Nd4jOps.create(shape);
    this.outputTensor = Nd4jTensor.borrowing(output, shape, device);
    this.inputGrad = Nd4jOps.create(shape);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, shape, device);
    this.forwardCall = new Nd4jOpCall("relu", where, new long[0], CUTOFF, true);
    this.backwardCall = new Nd4jOpCall("relu_bp", where, new long[0], CUTOFF, true);
    this.host = hostLoops && Nd4jHostLoops.available() && shape.size() <= Integer.MAX_VALUE;
    this.chunks = ThreadLocal.withInitial(() -> new float[][] {new float[CHUNK], new float[CHUNK]});
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    INDArray x = Nd4jOps.array(input, device, shape, where + " forward", "input");
    forwardCall.exec(new INDArray[] {x}, new INDArray[] {output});
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
    FloatBuffer xs = host ? Nd4jHostLoops.floats(lastInput) : null;
    FloatBuffer dys = host ? Nd4jHostLoops.floats(dy) : null;
    if (xs != null && dys != null) {
      FloatBuffer dxs = Nd4jHostLoops.floats(inputGrad);
      Nd4jHostLoops.parallel(
          xs.capacity(),
          CHUNK,
          (from, to) -> {
            float[][] c = chunks.get();
            int len = to - from;
            xs.get(from, c[0], 0, len);
            dys.get(from, c[1], 0, len);
            mask(c[0], c[1], len);
            dxs.put(from, c[1], 0, len);
          });
      return inputGradTensor;
    }
    backwardCall.exec(new INDArray[] {lastInput, dy}, new INDArray[] {inputGrad});
    return inputGradTensor;
  }

  /**
   * g becomes dx = x > 0 ? g : 0, as relu_bp (NaN inputs pass no gradient), without a branch: the
   * sign of x varies at random, and a mispredicted branch per element ran slower than relu_bp. x >
   * 0 exactly when its bits b satisfy 0 <= b - 1 < 0x7f800000 (positive, +inf included, NaN not).
   */
  private static void mask(float[] x, float[] g, int len) {
    for (int i = 0; i < len; i++) {
      int m = Float.floatToRawIntBits(x[i]) - 1;
      int keep = (~m & (m - 0x7f800000)) >> 31;
      g[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & keep);
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
    forwardCall.close();
    backwardCall.close();
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
  }

  @Override
  public String toString() {
    return where;
  }
}
