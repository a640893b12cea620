package dev.alexnet4j.backend.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One libnd4j custom op with its arguments fixed when the plan is built: the op and a native op
 * context are made once, and each call only sets the arrays (or not even that, when they are the
 * plan's own and were bound at construction). {@code Nd4j.exec(op)} would build and free a context
 * per call.
 *
 * <p>{@code helpers = false} keeps libnd4j from handing the op to oneDNN: its max pooling, for one,
 * is several times slower than libnd4j's own loops on NCHW data (measured in this module's
 * benchmark), while the convolutions gain from it.
 */
final class Nd4jOpCall implements AutoCloseable {
  private final DynamicCustomOp op;
  private final OpContext context;
  private final String where;

  Nd4jOpCall(String name, String where, long[] iArgs, double[] tArgs, boolean helpers) {
    this.op = DynamicCustomOp.builder(name).build();
    this.where = where;
    this.context = Nd4j.getExecutioner().buildContext();
    if (iArgs.length > 0) {
      context.setIArguments(iArgs);
    }
    if (tArgs.length > 0) {
      context.setTArguments(tArgs);
    }
    context.allowHelpers(helpers);
  }

  /** An op with integer arguments only, oneDNN allowed. */
  static Nd4jOpCall of(String name, String where, long... iArgs) {
    return new Nd4jOpCall(name, where, iArgs, new double[0], true);
  }

  /** Binds arrays for the following calls of {@link #exec()}. */
  Nd4jOpCall bind(INDArray[] inputs, INDArray[] outputs) {
    context.setInputArrays(inputs);
    context.setOutputArrays(outputs);
    return this;
  }

  /** Runs the op on the arrays bound last. */
  void exec() {
    try {
      Nd4j.exec(op, context);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "nd4j op " + op.opName() + " failed in " + where + ": " + e.getMessage(), e);
    }
  }

  /** Binds {@code inputs} and {@code outputs} and runs the op. */
  void exec(INDArray[] inputs, INDArray[] outputs) {
    bind(inputs, outputs).exec();
  }

  @Override
  public void close() {
    try {
      context.close();
    } catch (Exception e) {
      throw new IllegalStateException("nd4j: closing the op context of " + where + " failed", e);
    }
  }
}
