package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.tensor.Shape;

/**
 * Max pooling in double over NCHW, square window k, stride s, zero padding p (padded positions
 * never win):
 *
 * <pre>
 * y[n, c, i, j] = max { x[n, c, i s - p + a, j s - p + b] : 0 <= a, b < k, inside the image }
 * dx[n, c, h, w] = sum over windows (i, j) whose argmax is (h, w) of dy[n, c, i, j]
 * </pre>
 *
 * The argmax of a window is its first maximum in row-major scan order (a, then b), so ties go to
 * the element met first.
 */
public final class ReferencePooling {
  private ReferencePooling() {}

  public static double[] forward(double[] x, Shape input, PoolingGeometry g) {
    Shape output = g.outputShape(input);
    double[] y = new double[(int) output.size()];
    int index = 0;
    for (int n = 0; n < output.batch(); n++) {
      for (int c = 0; c < output.channels(); c++) {
        for (int i = 0; i < output.height(); i++) {
          for (int j = 0; j < output.width(); j++) {
            y[index++] = x[argmaxAt(x, input, g, n, c, i, j)];
          }
        }
      }
    }
    return y;
  }

  /**
   * The flat input index of the maximum of window (n, c, i, j): the first one in row-major scan
   * order on ties. Every window holds at least one real element because pad < kernel.
   */
  public static int argmaxAt(
      double[] x, Shape input, PoolingGeometry g, int n, int c, int i, int j) {
    int best = -1;
    for (int a = 0; a < g.kernel(); a++) {
      for (int b = 0; b < g.kernel(); b++) {
        int h = i * g.stride() - g.pad() + a;
        int w = j * g.stride() - g.pad() + b;
        if (h < 0 || h >= input.height() || w < 0 || w >= input.width()) {
          continue;
        }
        int at = ReferenceConvolution.index(input, n, c, h, w);
        if (best < 0 || x[at] > x[best]) {
          best = at;
        }
      }
    }
    return best;
  }

  /** dx: each window's gradient added to its argmax; shaped like the input. */
  public static double[] backward(double[] dy, double[] x, Shape input, PoolingGeometry g) {
    Shape output = g.outputShape(input);
    double[] dx = new double[(int) input.size()];
    int index = 0;
    for (int n = 0; n < output.batch(); n++) {
      for (int c = 0; c < output.channels(); c++) {
        for (int i = 0; i < output.height(); i++) {
          for (int j = 0; j < output.width(); j++) {
            dx[argmaxAt(x, input, g, n, c, i, j)] += dy[index++];
          }
        }
      }
    }
    return dx;
  }
}
