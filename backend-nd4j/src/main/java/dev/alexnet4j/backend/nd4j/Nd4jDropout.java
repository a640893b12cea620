package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout whose mask is {@link DropoutMask}'s, bit for bit, computed by ND4J integer ops.
 *
 * <p>The mixer needs 32-bit wrapping multiplies and logical right shifts; libnd4j's {@code
 * rshift_bits} is arithmetic on INT32 (-16 >> 1 gives -8). So the mask runs on INT64 arrays holding
 * 32-bit values: their shifts are logical because the values are never negative, and each multiply
 * is followed by {@code & 0xFFFFFFFF}, which keeps the low 32 bits that a wrapping 32-bit multiply
 * gives. (The product by 0x846ca68b can pass 2^63; libnd4j's int64 multiply wraps, which leaves the
 * low 32 bits exact. This module's tests check the mask bit for bit over 2^18 indices, and the
 * conformance suite checks it too.) The global element indices are built once per plan, and all
 * mask ops are bound to the plan's arrays once; per step only the stream key, a scalar, is written
 * from the host. Fifteen elementwise passes over an fc-sized mask cost about 1.5 ms at batch 32.
 */
final class Nd4jDropout implements DropoutPlan, Nd4jPlan {
  private static final long LOW32 = 0xFFFFFFFFL;

  private final Device device;
  private final Shape shape;
  private final DropoutGeometry geometry;
  private final String where;
  private final float scale;

  /**
   * ((batchOffset + n) * totalChannels + channelOffset + c) * restSize + rest, as unsigned 32-bit
   * values.
   */
  private final INDArray globalIndex;

  private final INDArray bits;
  private final INDArray shifted;
  private final INDArray keep;
  private final INDArray mask;
  private final INDArray key;
  private final INDArray shift16;
  private final INDArray shift15;
  private final INDArray multiplier1;
  private final INDArray multiplier2;
  private final INDArray low32;
  private final INDArray keepFrom;
  private final INDArray output;
  private final Nd4jTensor outputTensor;

  /** The mask ops, bound to the plan's arrays once: per step only the key changes. */
  private final List<Nd4jOpCall> maskOps = new ArrayList<>();

  private final Nd4jOpCall applyForward;
  private final Nd4jOpCall applyBackward;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;
  private boolean forwardDone;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jDropout(Device device, Shape input, DropoutGeometry geometry) {
    this.device = device;
    this.shape = input;
    this.geometry = geometry;
    this.where = "nd4j dropout " + input + " (" + geometry + ") on " + device;
    PlanChecks.dropout(where, input, geometry);
    this.scale = 1f / (1f - geometry.rate());
    long[] dims = Nd4jTensor.longDims(input);
    this.globalIndex = Nd4j.createFromArray(globalIndices(input, geometry)).reshape('c', dims);
    this.bits = Nd4j.create(DataType.INT64, dims, 'c');
    this.shifted = Nd4j.create(DataType.INT64, dims, 'c');
    this.keep = Nd4j.create(DataType.BOOL, dims, 'c');
    this.mask = Nd4jOps.create(input);
    this.key = longScalar(0L);
    this.shift16 = longScalar(16L);
    this.shift15 = longScalar(15L);
    this.multiplier1 = longScalar(0x7feb352dL);
    this.multiplier2 = longScalar(0x846ca68bL);
    this.low32 = longScalar(LOW32);
    // draw = x >>> 8 >= threshold exactly when x >= threshold << 8, which saves a shift.
    this.keepFrom = longScalar((long) DropoutMask.threshold(geometry.rate()) << 8);
    this.output = Nd4jOps.create(input);
    this.outputTensor = Nd4jTensor.borrowing(output, input, device);
    this.inputGrad = Nd4jOps.create(input);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, input, device);
    // x = index ^ key; x ^= x >>> 16; x *= 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b;
    // x ^= x >>> 16; keep when x >>> 8 >= threshold
    binary("bitwise_xor", globalIndex, key, bits);
    xorShift(shift16);
    binary("multiply", bits, multiplier1, bits);
    binary("bitwise_and", bits, low32, bits);
    xorShift(shift15);
    binary("multiply", bits, multiplier2, bits);
    binary("bitwise_and", bits, low32, bits);
    xorShift(shift16);
    binary("greater_equal", bits, keepFrom, keep);
    maskOps.add(
        Nd4jOpCall.of("cast", where, DataType.FLOAT.toInt())
            .bind(new INDArray[] {keep}, new INDArray[] {mask}));
    this.applyForward = Nd4jOpCall.of("multiply", where);
    this.applyBackward = Nd4jOpCall.of("multiply", where);
  }

  /** An INT64 scalar holding exactly {@code value}. */
  private static INDArray longScalar(long value) {
    INDArray scalar = Nd4j.scalar(DataType.INT64, 0L);
    scalar.data().put(0L, value);
    return scalar;
  }

  /** The global indices of the local tensor's elements (built once, at plan time). */
  private static long[] globalIndices(Shape input, DropoutGeometry geometry) {
    int batch = input.batch();
    int channels = input.channels();
    int rest = (int) (input.sampleSize() / channels);
    long[] out = new long[(int) input.size()];
    int i = 0;
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        // int arithmetic on purpose: DropoutMask takes the index as a wrapping 32-bit int.
        int base =
            ((geometry.batchOffset() + n) * geometry.totalChannels() + geometry.channelOffset() + c)
                * rest;
        for (int r = 0; r < rest; r++) {
          out[i++] = (base + r) & LOW32;
        }
      }
    }
    return out;
  }

  @Override
  public Tensor forward(Tensor input, long seed, long step) {
    checkOpen();
    INDArray x = Nd4jOps.array(input, device, shape, where + " forward", "input");
    int streamKey = DropoutMask.streamKey(seed, geometry.layerId(), step);
    // Through the buffer: INDArray.putScalar goes through float and would round the key.
    key.data().put(0L, streamKey & LOW32);
    for (Nd4jOpCall op : maskOps) {
      op.exec();
    }
    mask.muli(scale);
    applyForward.exec(new INDArray[] {x, mask}, new INDArray[] {output});
    forwardDone = true;
    return outputTensor;
  }

  private void xorShift(INDArray by) {
    binary("rshift_bits", bits, by, shifted);
    binary("bitwise_xor", bits, shifted, bits);
  }

  private void binary(String op, INDArray a, INDArray b, INDArray out) {
    maskOps.add(Nd4jOpCall.of(op, where).bind(new INDArray[] {a, b}, new INDArray[] {out}));
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    if (!forwardDone) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy = Nd4jOps.array(outputGradient, device, shape, where + " backward", "gradient");
    applyBackward.exec(new INDArray[] {dy, mask}, new INDArray[] {inputGrad});
    return inputGradTensor;
  }

  /** The current mask times 1 / (1 - rate), for tests. */
  INDArray mask() {
    return mask;
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
    for (Nd4jOpCall op : maskOps) {
      op.close();
    }
    applyForward.close();
    applyBackward.close();
    for (INDArray a :
        new INDArray[] {
          globalIndex,
          bits,
          shifted,
          keep,
          mask,
          key,
          shift16,
          shift15,
          multiplier1,
          multiplier2,
          low32,
          keepFrom,
          output,
          inputGrad
        }) {
      Nd4jTensor.free(a);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
