package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.tensor.Shape;

/**
 * Cross-channel local response normalisation in double, the paper's formula (alpha not divided by
 * n), over NCHW or [N, C] (any rank >= 2: channels are axis 1, the rest are positions):
 *
 * <pre>
 * s[c] = k + alpha * sum_{j in W(c)} x[j]^2,   y[c] = x[c] * s[c]^-beta
 * W(c) = { j : |j - c| <= n/2, j in the same block of C / groups channels as c }
 * </pre>
 *
 * The backward is the chain rule over every output the input fed, written from the definition
 * rather than from the closed form in {@code LrnPlan}, so the two derivations check each other:
 *
 * <pre>
 * dy[c]/dx[i] = [c = i] s[c]^-beta - 2 alpha beta x[c] x[i] s[c]^(-beta - 1) [i in W(c)]
 * dx[i] = sum_c g[c] dy[c]/dx[i]
 * </pre>
 */
public final class ReferenceLrn {
  private ReferenceLrn() {}

  /** The first channel of c's window (inclusive). */
  public static int windowLow(int c, int channels, LrnParameters p) {
    int groupSize = channels / p.groups();
    int groupStart = (c / groupSize) * groupSize;
    return Math.max(groupStart, c - p.halfWidth());
  }

  /** The last channel of c's window (inclusive). */
  public static int windowHigh(int c, int channels, LrnParameters p) {
    int groupSize = channels / p.groups();
    int groupEnd = (c / groupSize) * groupSize + groupSize - 1;
    return Math.min(groupEnd, c + p.halfWidth());
  }

  /** s = k + alpha * (sum of x^2 over the window of channel c) at sample n and position r. */
  public static double scaleAt(double[] x, Shape shape, LrnParameters p, int n, int c, int r) {
    requireDivisible(shape, p);
    double sum = 0;
    for (int j = windowLow(c, shape.channels(), p); j <= windowHigh(c, shape.channels(), p); j++) {
      double v = x[at(shape, n, j, r)];
      sum += v * v;
    }
    return p.k() + p.alpha() * sum;
  }

  /** One output element y[n, c, r] = x s^-beta. */
  public static double outputAt(double[] x, Shape shape, LrnParameters p, int n, int c, int r) {
    return x[at(shape, n, c, r)] * Math.pow(scaleAt(x, shape, p, n, c, r), -p.beta());
  }

  public static double[] forward(double[] x, Shape shape, LrnParameters p) {
    double[] y = new double[x.length];
    int rest = restSize(shape);
    for (int n = 0; n < shape.batch(); n++) {
      for (int c = 0; c < shape.channels(); c++) {
        for (int r = 0; r < rest; r++) {
          y[at(shape, n, c, r)] = outputAt(x, shape, p, n, c, r);
        }
      }
    }
    return y;
  }

  /** dx = sum over every output c of g[c] dy[c]/dx[i], the full cross-channel gradient. */
  public static double[] backward(double[] g, double[] x, Shape shape, LrnParameters p) {
    double[] dx = new double[x.length];
    int rest = restSize(shape);
    for (int n = 0; n < shape.batch(); n++) {
      for (int r = 0; r < rest; r++) {
        for (int c = 0; c < shape.channels(); c++) {
          double s = scaleAt(x, shape, p, n, c, r);
          double gc = g[at(shape, n, c, r)];
          double xc = x[at(shape, n, c, r)];
          dx[at(shape, n, c, r)] += gc * Math.pow(s, -p.beta());
          for (int i = windowLow(c, shape.channels(), p);
              i <= windowHigh(c, shape.channels(), p);
              i++) {
            double xi = x[at(shape, n, i, r)];
            dx[at(shape, n, i, r)] +=
                -gc * 2 * p.alpha() * p.beta() * xc * xi * Math.pow(s, -p.beta() - 1);
          }
        }
      }
    }
    return dx;
  }

  /** Elements per (sample, channel): H * W for NCHW, 1 for [N, C]. */
  static int restSize(Shape shape) {
    return (int) (shape.sampleSize() / shape.channels());
  }

  private static int at(Shape shape, int n, int c, int r) {
    return (n * shape.channels() + c) * restSize(shape) + r;
  }

  private static void requireDivisible(Shape shape, LrnParameters p) {
    if (shape.channels() % p.groups() != 0) {
      throw new IllegalArgumentException(
          "LRN groups "
              + p.groups()
              + " must divide the "
              + shape.channels()
              + " channels of "
              + shape);
    }
  }
}
