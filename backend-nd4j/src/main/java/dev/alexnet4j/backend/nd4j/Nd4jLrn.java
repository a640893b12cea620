package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Pow;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-channel LRN with the paper's alpha (docs/PAPER.md), built from ND4J ops because libnd4j's
 * {@code lrn_bp} drops the cross-channel terms (docs/BACKEND-NOTES.md) and its {@code lrn}
 * normalises over the last axis and knows no groups.
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
 *
 * <p>That op chain is now only the path for arrays outside host memory (nd4j-cuda). On the CPU both
 * passes are Java loops over the arrays' memory ({@link Nd4jHostLoops}), one task per (block, tile
 * of {@value #TILE} pixels): the task copies its tile of every channel of the block into heap
 * arrays, where the JIT vectorises the loops, and writes the results back. The chain made 5 forward
 * and 6 backward passes over memory and ran libnd4j's pow and sqrt element by element (about 50 ms
 * each for lrn1 at batch 32, 2 threads); the loops read x once and write y, {@code s^-beta} and
 * {@code s^(-beta - 1)} forward, and read g, x and those two backward, and for the paper's beta =
 * 3/4 take the power from two square roots. Forward and backward of lrn1 + lrn2 went from 176-186
 * and 118-139 ms to 50-51 and 49 ms at batch 32 (2 threads, alternating runs, load average 2).
 */
final class Nd4jLrn implements LrnPlan, Nd4jPlan {
  private static final long[] NO_TRANSPOSE = {0, 0, 0};

  /** Pixels per task: the tile of every channel of a block stays in the L2 cache. */
  static final int TILE = 512;

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

  // The op-chain path (nd4j-cuda); null on the host path.
  private final Nd4jOpCall square;
  private final Nd4jOpCall scaleWindow;
  private final Nd4jOpCall normalise;
  private final Nd4jOpCall gradTimesOutput;
  private final Nd4jOpCall overScale;
  private final Nd4jOpCall gradientWindow;
  private final Nd4jOpCall inputTimesWindow;
  private final Nd4jOpCall gradTimesScalePow;
  private final Nd4jOpCall sum;

  // The host-memory path: s^-beta and s^(-beta - 1) kept for backward, and per-thread tiles.
  private final boolean host;
  private final int block;
  private final int pixels;
  private final int blocks;
  private final INDArray scalePowNext;
  private final ThreadLocal<Tiles> tiles;

  /** A contiguous copy of an input that is not contiguous host memory (a view); made on demand. */
  private INDArray inputCopy;

  private INDArray lastInput;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jLrn(Device device, Shape input, LrnParameters parameters) {
    this(device, input, parameters, Nd4jHostLoops.available());
  }

  /** With {@code hostLoops = false} the op chain, also on the CPU (tests compare the two). */
  Nd4jLrn(Device device, Shape input, LrnParameters parameters, boolean hostLoops) {
    this.device = device;
    this.shape = input;
    this.parameters = parameters;
    this.where = "nd4j lrn " + input + " (" + parameters + ") on " + device;
    if (input.rank() < 2) {
      throw new IllegalArgumentException(where + ": needs an input with a channel axis");
    }
    PlanChecks.lrnGroups(where, input, parameters.groups());
    int channels = input.channels();
    int groups = parameters.groups();
    this.block = channels / groups;
    long rest = input.sampleSize() / channels;
    long blockCount = (long) input.batch() * groups;
    if (rest * channels * input.batch() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(where + ": more than 2^31 - 1 values");
    }
    this.pixels = (int) rest;
    this.blocks = (int) blockCount;
    this.host = hostLoops && Nd4jHostLoops.available();
    this.scalePow = Nd4jOps.create(input);
    this.output = Nd4jOps.create(input);
    this.outputTensor = Nd4jTensor.borrowing(output, input, device);
    this.inputGrad = Nd4jOps.create(input);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, input, device);
    if (host) {
      this.scalePowNext = Nd4jOps.create(input);
      int tile = Math.min(TILE, pixels);
      this.tiles = ThreadLocal.withInitial(() -> new Tiles(block, tile));
      this.band = null;
      this.scratch = null;
      this.window = null;
      this.scale = null;
      this.square = null;
      this.scaleWindow = null;
      this.normalise = null;
      this.gradTimesOutput = null;
      this.overScale = null;
      this.gradientWindow = null;
      this.inputTimesWindow = null;
      this.gradTimesScalePow = null;
      this.sum = null;
      return;
    }
    this.scalePowNext = null;
    this.tiles = null;
    long[] blockDims = {blockCount, block, rest};
    this.band = band(blockCount, block, parameters.halfWidth());
    this.scratch = Nd4jOps.create(input);
    this.window = Nd4jOps.create(input);
    this.scale = Nd4jOps.create(input);
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
    if (host) {
      FloatBuffer xs = Nd4jHostLoops.floats(x);
      if (xs == null) {
        if (inputCopy == null) {
          inputCopy = Nd4jOps.create(shape);
        }
        x = inputCopy.assign(x);
        xs = Nd4jHostLoops.floats(x);
      }
      hostForward(xs);
      lastInput = x;
      return outputTensor;
    }
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
    if (host) {
      FloatBuffer gs = Nd4jHostLoops.floats(g);
      if (gs == null) {
        // The input copy is still needed for x; the gradient goes through a copy of its own.
        gs = Nd4jHostLoops.floats(g.dup('c'));
      }
      hostBackward(gs, Nd4jHostLoops.floats(lastInput));
      return inputGradTensor;
    }
    gradTimesOutput.exec(new INDArray[] {g, output}, new INDArray[] {scratch});
    overScale.exec();
    gradientWindow.exec();
    inputTimesWindow.exec(new INDArray[] {lastInput, window}, new INDArray[] {inputGrad});
    gradTimesScalePow.exec(new INDArray[] {g, scalePow}, new INDArray[] {scratch});
    sum.exec();
    return inputGradTensor;
  }

  /** y = x s^-beta, keeping s^-beta and s^(-beta - 1); one task per (block, tile). */
  private void hostForward(FloatBuffer x) {
    FloatBuffer y = Nd4jHostLoops.floats(output);
    FloatBuffer sp = Nd4jHostLoops.floats(scalePow);
    FloatBuffer spn = Nd4jHostLoops.floats(scalePowNext);
    int half = parameters.halfWidth();
    float k = (float) parameters.k();
    float alpha = (float) parameters.alpha();
    double beta = parameters.beta();
    boolean threeQuarters = beta == 0.75;
    int tilesPerBlock = (pixels + TILE - 1) / TILE;
    Nd4jHostLoops.parallelTasks(
        blocks * tilesPerBlock,
        task -> {
          int from = (task % tilesPerBlock) * TILE;
          int len = Math.min(TILE, pixels - from);
          int base = task / tilesPerBlock * block * pixels + from;
          Tiles t = tiles.get();
          for (int c = 0; c < block; c++) {
            x.get(base + c * pixels, t.a[c], 0, len);
            product(t.a[c], t.a[c], t.b[c], len);
          }
          for (int c = 0; c < block; c++) {
            windowSum(t.b, Math.max(0, c - half), Math.min(block - 1, c + half), len, t.sum);
            if (threeQuarters) {
              normaliseThreeQuarters(t.sum, t.a[c], t.c[c], t.d[c], len, k, alpha);
            } else {
              normalise(t.sum, t.a[c], t.c[c], t.d[c], len, k, alpha, beta);
            }
          }
          for (int c = 0; c < block; c++) {
            int at = base + c * pixels;
            y.put(at, t.a[c], 0, len);
            sp.put(at, t.c[c], 0, len);
            spn.put(at, t.d[c], 0, len);
          }
        });
  }

  /** dx = g s^-beta - 2 alpha beta x windowSum(g x s^(-beta - 1)); one task per (block, tile). */
  private void hostBackward(FloatBuffer g, FloatBuffer x) {
    FloatBuffer dx = Nd4jHostLoops.floats(inputGrad);
    FloatBuffer sp = Nd4jHostLoops.floats(scalePow);
    FloatBuffer spn = Nd4jHostLoops.floats(scalePowNext);
    int half = parameters.halfWidth();
    float coefficient = (float) (-2 * parameters.alpha() * parameters.beta());
    int tilesPerBlock = (pixels + TILE - 1) / TILE;
    Nd4jHostLoops.parallelTasks(
        blocks * tilesPerBlock,
        task -> {
          int from = (task % tilesPerBlock) * TILE;
          int len = Math.min(TILE, pixels - from);
          int base = task / tilesPerBlock * block * pixels + from;
          Tiles t = tiles.get();
          for (int c = 0; c < block; c++) {
            int at = base + c * pixels;
            g.get(at, t.a[c], 0, len);
            x.get(at, t.b[c], 0, len);
            spn.get(at, t.d[c], 0, len);
            // d becomes g y / s = g x s^(-beta - 1), the terms of the cross-channel sum.
            product3(t.a[c], t.b[c], t.d[c], len);
          }
          for (int c = 0; c < block; c++) {
            windowSum(t.d, Math.max(0, c - half), Math.min(block - 1, c + half), len, t.sum);
            float[] p = t.c[c];
            sp.get(base + c * pixels, p, 0, len);
            gradientRow(t.a[c], t.b[c], p, t.sum, len, coefficient);
            dx.put(base + c * pixels, p, 0, len);
          }
        });
  }

  /** One thread's tiles: four [block][TILE] buffers and a window sum. */
  private static final class Tiles {
    final float[][] a;
    final float[][] b;
    final float[][] c;
    final float[][] d;
    final float[] sum;

    Tiles(int rows, int tile) {
      a = new float[rows][tile];
      b = new float[rows][tile];
      c = new float[rows][tile];
      d = new float[rows][tile];
      sum = new float[tile];
    }
  }

  // The loops below are static methods over whole rows, every array indexed by the same j: that
  // is the form the JIT vectorises. Rows packed into one array at different offsets (the JIT
  // cannot rule out overlap) or loops inside the task lambdas ran 3 to 20 times slower.

  /** For beta = 3/4: p = s^-3/4 from two square roots (libm's pow is many times slower). */
  private static void normaliseThreeQuarters(
      float[] window, float[] x, float[] p, float[] pNext, int len, float k, float alpha) {
    for (int j = 0; j < len; j++) {
      float s = k + alpha * window[j];
      float r = 1f / (float) Math.sqrt(s);
      float sp = r * (float) Math.sqrt(r);
      p[j] = sp;
      pNext[j] = sp / s;
      x[j] = x[j] * sp;
    }
  }

  /** Any beta: p = s^-beta; x becomes y = x p. */
  private static void normalise(
      float[] window,
      float[] x,
      float[] p,
      float[] pNext,
      int len,
      float k,
      float alpha,
      double beta) {
    for (int j = 0; j < len; j++) {
      float s = k + alpha * window[j];
      float sp = (float) Math.pow(s, -beta);
      p[j] = sp;
      pNext[j] = sp / s;
      x[j] = x[j] * sp;
    }
  }

  /** out = a * b. */
  private static void product(float[] a, float[] b, float[] out, int len) {
    for (int j = 0; j < len; j++) {
      out[j] = a[j] * b[j];
    }
  }

  /** c = a * b * c. */
  private static void product3(float[] a, float[] b, float[] c, int len) {
    for (int j = 0; j < len; j++) {
      c[j] = a[j] * b[j] * c[j];
    }
  }

  /** p becomes dx = g p + coefficient x window. */
  private static void gradientRow(
      float[] g, float[] x, float[] p, float[] window, int len, float coefficient) {
    for (int j = 0; j < len; j++) {
      p[j] = g[j] * p[j] + coefficient * x[j] * window[j];
    }
  }

  /** sum = rows lo..hi added up. */
  private static void windowSum(float[][] rows, int lo, int hi, int len, float[] sum) {
    if (hi - lo == 4) {
      sum5(rows[lo], rows[lo + 1], rows[lo + 2], rows[lo + 3], rows[lo + 4], len, sum);
      return;
    }
    System.arraycopy(rows[lo], 0, sum, 0, len);
    for (int r = lo + 1; r <= hi; r++) {
      addTo(rows[r], sum, len);
    }
  }

  private static void sum5(
      float[] r0, float[] r1, float[] r2, float[] r3, float[] r4, int len, float[] sum) {
    for (int j = 0; j < len; j++) {
      sum[j] = r0[j] + r1[j] + r2[j] + r3[j] + r4[j];
    }
  }

  private static void addTo(float[] row, float[] sum, int len) {
    for (int j = 0; j < len; j++) {
      sum[j] += row[j];
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
    if (host) {
      for (INDArray a : new INDArray[] {scalePow, scalePowNext, output, inputGrad, inputCopy}) {
        if (a != null) {
          Nd4jTensor.free(a);
        }
      }
      return;
    }
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
