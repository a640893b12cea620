package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.tensor.Shape;

/**
 * Inverted dropout in double with the mask of {@link DropoutMask}. Element (n, c, rest) of a local
 * tensor of shape [N, C, ...] holding channels [offset, offset + C) of a layer with T channels has
 * the global index (n T + offset + c) R + rest, R the product of the dimensions after the channels,
 * and
 *
 * <pre>
 * y = x * keep / (1 - rate),   dx = dy * keep / (1 - rate),   keep = DropoutMask.keep(key, index, rate)
 * </pre>
 *
 * with key = DropoutMask.streamKey(seed, layerId, step).
 */
public final class ReferenceDropout {
  private ReferenceDropout() {}

  /**
   * The global index of local flat element {@code flat}; wraps like the backends' int arithmetic.
   */
  public static int globalIndex(Shape shape, DropoutGeometry g, int flat) {
    int rest = (int) (shape.sampleSize() / shape.channels());
    int n = flat / (shape.channels() * rest);
    int c = (flat / rest) % shape.channels();
    int r = flat % rest;
    return ((g.batchOffset() + n) * g.totalChannels() + g.channelOffset() + c) * rest + r;
  }

  /** Whether each local element is kept in stream (seed, layer, step). */
  public static boolean[] keepMask(Shape shape, DropoutGeometry g, long seed, long step) {
    int key = DropoutMask.streamKey(seed, g.layerId(), step);
    boolean[] keep = new boolean[(int) shape.size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = DropoutMask.keep(key, globalIndex(shape, g, i), g.rate());
    }
    return keep;
  }

  public static double[] forward(double[] x, Shape shape, DropoutGeometry g, long seed, long step) {
    return apply(x, keepMask(shape, g, seed, step), g.rate());
  }

  public static double[] backward(
      double[] dy, Shape shape, DropoutGeometry g, long seed, long step) {
    return apply(dy, keepMask(shape, g, seed, step), g.rate());
  }

  private static double[] apply(double[] values, boolean[] keep, float rate) {
    double scale = 1 / (1 - (double) rate);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = keep[i] ? values[i] * scale : 0;
    }
    return out;
  }
}
