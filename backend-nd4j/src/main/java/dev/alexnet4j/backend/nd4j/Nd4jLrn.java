package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Pow;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-channel LRN with the paper's alpha (PAPER.md), built from ND4J ops because libnd4j's {@code
 * lrn_bp} drops the cross-channel terms (BACKEND-NOTES.md) and its {@code lrn} normalises over the
 * last axis and knows no groups.
 *
 * <pre>
 * s  = k + alpha * windowSum(x^2)          y = x * s^-beta
 * dx = g * s^-beta - 2 alpha beta x * windowSum(g * y / s)
 * </pre>
 *
 * <p>The window sum runs down the channel axis within each group. An NCHW array [N, C, H, W] with g
 * groups is, in the same memory, R = N * g contiguous blocks [C / g, H * W], and the window sum of
 * a block is B times the block, B the [C / g, C / g] band matrix with ones where |i - j| <= n / 2.
 * So each window sum is one batched {@code matmul} of R copies of B with the blocks (the scalars
 * alpha and -2 alpha beta ride along as the op's alpha), and group boundaries hold because B never
 * reaches past its block. This wastes multiplies by zero, yet was the fastest window sum made of
 * ND4J ops we measured at batch 32 on 2 threads (on a busy machine, so ranges): 25 ms for lrn1 and
 * 30 ms for lrn2, against 35 to 95 ms for 4 R shifted adds on contiguous per-block views, 60 to 120
 * ms for an (n x 1) average pool over [R, 1, C / g, H * W], over 85 ms for a 1 x 1 convolution with
 * B as weights, and about 300 ms for shifted adds on strided channel-slice views, which libnd4j
 * runs element by element. The pow is the other large cost (about 40 ms for lrn1). {@code s} and
 * {@code s^-beta} are kept from forward for backward.
 */
final class Nd4jLrn implements LrnPlan {
  private static final long[] NO_TRANSPOSE = {0, 0, 0};

  private final Device device;
  private final Shape shape;
  private final LrnParameters parameters;
  private final String where;

  private final INDArray band;
  private final INDArray scratch;
  private final INDArray window;
  private final INDArray scale;
  private final INDArray scalePow;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;

  private final Nd4jOpCall square;
  private final Nd4jOpCall scaleWindow;
  private final Nd4jOpCall normalise;
  private final Nd4jOpCall gradTimesOutput;
  private final Nd4jOpCall overScale;
  private final Nd4jOpCall gradientWindow;
  private final Nd4jOpCall inputTimesWindow;
  private final Nd4jOpCall gradTimesScalePow;
  private final Nd4jOpCall sum;

  private INDArray lastInput;
  private boolean closed;

  Nd4jLrn(Device device, Shape input, LrnParameters parameters) {
    this.device = device;
    this.shape = input;
    this.parameters = parameters;
    this.where = "nd4j lrn " + input + " (" + parameters + ") on " + device;
    if (input.rank() < 2) {
      throw new IllegalArgumentException(where + ": needs an input with a channel axis");
    }
    int channels = input.channels();
    int groups = parameters.groups();
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          where + ": groups = " + groups + " must divide the " + channels + " channels");
    }
    int block = channels / groups;
    long rest = input.sampleSize() / channels;
    long blocks = (long) input.batch() * groups;
    long[] blockDims = {blocks, block, rest};

    this.band = band(blocks, block, parameters.halfWidth());
    this.scratch = Nd4jOps.create(input);
    this.window = Nd4jOps.create(input);
    this.scale = Nd4jOps.create(input);
    this.scalePow = Nd4jOps.create(input);
    this.output = Nd4jOps.create(input);
    this.outputTensor = Nd4jTensor.borrowing(output, input, device);
    this.inputGrad = Nd4jOps.create(input);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, input, device);
    INDArray scratchBlocks = Nd4jOps.reshapeView(scratch, blockDims, where);
    INDArray windowBlocks = Nd4jOps.reshapeView(window, blockDims, where);
    INDArray scaleBlocks = Nd4jOps.reshapeView(scale, blockDims, where);

    // Forward: scratch = x^2; scale = alpha * B scratch (+ k below); output = x * scale^-beta.
    this.square = Nd4jOpCall.of("multiply", where);
    this.scaleWindow =
        new Nd4jOpCall("matmul", where, NO_TRANSPOSE, new double[] {parameters.alpha(), 0}, true)
            .bind(new INDArray[] {band, scratchBlocks}, new INDArray[] {scaleBlocks});
    this.normalise = Nd4jOpCall.of("multiply", where);
    // Backward: scratch = g * y / s; window = -2 alpha beta B scratch; dx = x * window + g s^-beta.
    this.gradTimesOutput = Nd4jOpCall.of("multiply", where);
    this.overScale =
        Nd4jOpCall.of("divide", where)
            .bind(new INDArray[] {scratch, scale}, new INDArray[] {scratch});
    this.gradientWindow =
        new Nd4jOpCall(
                "matmul",
                where,
                NO_TRANSPOSE,
                new double[] {-2 * parameters.alpha() * parameters.beta(), 0},
                true)
            .bind(new INDArray[] {band, scratchBlocks}, new INDArray[] {windowBlocks});
    this.inputTimesWindow = Nd4jOpCall.of("multiply", where);
    this.gradTimesScalePow = Nd4jOpCall.of("multiply", where);
    this.sum =
        Nd4jOpCall.of("add", where)
            .bind(new INDArray[] {inputGrad, scratch}, new INDArray[] {inputGrad});
  }

  /** [blocks, size, size] copies of the band matrix: 1 where |i - j| <= half, else 0. */
  private static INDArray band(long blocks, int size, int half) {
    float[] one = new float[size * size];
    for (int i = 0; i < size; i++) {
      for (int j = Math.max(0, i - half); j <= Math.min(size - 1, i + half); j++) {
        one[i * size + j] = 1f;
      }
    }
    INDArray single = Nd4j.create(one, new long[] {1, size, size}, DataType.FLOAT);
    INDArray all = Nd4j.create(DataType.FLOAT, new long[] {blocks, size, size}, 'c');
    all.assign(single.broadcast(blocks, size, size));
    return all;
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    INDArray x = Nd4jOps.array(input, device, shape, where + " forward", "input");
    square.exec(new INDArray[] {x, x}, new INDArray[] {scratch});
    scaleWindow.exec();
    scale.addi(parameters.k());
    Nd4jOps.exec(new Pow(scale, scalePow, -parameters.beta()), where);
    normalise.exec(new INDArray[] {x, scalePow}, new INDArray[] {output});
    lastInput = x;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray g = Nd4jOps.array(outputGradient, device, shape, where + " backward", "gradient");
    gradTimesOutput.exec(new INDArray[] {g, output}, new INDArray[] {scratch});
    overScale.exec();
    gradientWindow.exec();
    inputTimesWindow.exec(new INDArray[] {lastInput, window}, new INDArray[] {inputGrad});
    gradTimesScalePow.exec(new INDArray[] {g, scalePow}, new INDArray[] {scratch});
    sum.exec();
    return inputGradTensor;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    lastInput = null;
    for (Nd4jOpCall call :
        new Nd4jOpCall[] {
          square,
          scaleWindow,
          normalise,
          gradTimesOutput,
          overScale,
          gradientWindow,
          inputTimesWindow,
          gradTimesScalePow,
          sum
        }) {
      call.close();
    }
    for (INDArray a : new INDArray[] {band, scratch, window, scale, scalePow, output, inputGrad}) {
      Nd4jTensor.free(a);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
