package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.tensor.Shape;

/**
 * Grouped 2-D convolution in double, NCHW input x [N, C, H, W], weights w [O, C / g, kH, kW], bias
 * b [O], output y [N, O, OH, OW]:
 *
 * <pre>
 * y[n, o, p, q] = b[o] + sum_{c' < C/g, i < kH, j < kW}
 *                 w[o, c', i, j] * x[n, G(o) * C/g + c', p sH - pH + i, q sW - pW + j]
 * </pre>
 *
 * where G(o) = o / (O / g) is the group of output channel o and x is zero outside the image. The
 * gradients of a scalar loss with dy = dL/dy:
 *
 * <pre>
 * dx[n, c, h, v]  = sum over (o in group of c, i, j) with h = p sH - pH + i, v = q sW - pW + j
 *                   of w[o, c - G(c) C/g, i, j] * dy[n, o, p, q]
 * dw[o, c', i, j] = sum_{n, p, q} dy[n, o, p, q] * x[n, G(o) C/g + c', p sH - pH + i, q sW - pW + j]
 * db[o]           = sum_{n, p, q} dy[n, o, p, q]
 * </pre>
 *
 * <p>The {@code ...At} methods evaluate one element straight from these sums, so that a test can
 * check a sample of a layer too large for a full double pass. The full input gradient scatters
 * instead of gathering, a second derivation the self-test compares with the first.
 */
public final class ReferenceConvolution {
  private ReferenceConvolution() {}

  /** y = conv(x, w) + b; {@code b} may be null for no bias. */
  public static double[] forward(
      double[] x, Shape input, double[] w, double[] b, ConvolutionGeometry g) {
    Shape output = g.outputShape(input);
    double[] y = new double[(int) output.size()];
    int index = 0;
    for (int n = 0; n < output.batch(); n++) {
      for (int o = 0; o < output.channels(); o++) {
        for (int p = 0; p < output.height(); p++) {
          for (int q = 0; q < output.width(); q++) {
            y[index++] = outputAt(x, input, w, b, g, n, o, p, q);
          }
        }
      }
    }
    return y;
  }

  /** One output element y[n, o, p, q]. */
  public static double outputAt(
      double[] x,
      Shape input,
      double[] w,
      double[] b,
      ConvolutionGeometry g,
      int n,
      int o,
      int p,
      int q) {
    int inPerGroup = g.inChannels() / g.groups();
    int outPerGroup = g.outChannels() / g.groups();
    int firstIn = (o / outPerGroup) * inPerGroup;
    double sum = b == null ? 0 : b[o];
    for (int c = 0; c < inPerGroup; c++) {
      for (int i = 0; i < g.kernelHeight(); i++) {
        for (int j = 0; j < g.kernelWidth(); j++) {
          int h = p * g.strideHeight() - g.padHeight() + i;
          int v = q * g.strideWidth() - g.padWidth() + j;
          sum += weight(w, g, o, c, i, j) * pixel(x, input, n, firstIn + c, h, v);
        }
      }
    }
    return sum;
  }

  /** dx by scattering every output gradient back through the kernel; shaped like the input. */
  public static double[] inputGradient(
      double[] dy, double[] w, Shape input, ConvolutionGeometry g) {
    Shape output = g.outputShape(input);
    int inPerGroup = g.inChannels() / g.groups();
    int outPerGroup = g.outChannels() / g.groups();
    double[] dx = new double[(int) input.size()];
    for (int n = 0; n < output.batch(); n++) {
      for (int o = 0; o < output.channels(); o++) {
        int firstIn = (o / outPerGroup) * inPerGroup;
        for (int p = 0; p < output.height(); p++) {
          for (int q = 0; q < output.width(); q++) {
            double grad = dy[index(output, n, o, p, q)];
            for (int c = 0; c < inPerGroup; c++) {
              for (int i = 0; i < g.kernelHeight(); i++) {
                for (int j = 0; j < g.kernelWidth(); j++) {
                  int h = p * g.strideHeight() - g.padHeight() + i;
                  int v = q * g.strideWidth() - g.padWidth() + j;
                  if (inside(input, h, v)) {
                    dx[index(input, n, firstIn + c, h, v)] += weight(w, g, o, c, i, j) * grad;
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx;
  }

  /** One input-gradient element dx[n, c, h, v], gathered over the outputs it fed. */
  public static double inputGradientAt(
      double[] dy, double[] w, Shape input, ConvolutionGeometry g, int n, int c, int h, int v) {
    Shape output = g.outputShape(input);
    int inPerGroup = g.inChannels() / g.groups();
    int outPerGroup = g.outChannels() / g.groups();
    int group = c / inPerGroup;
    double sum = 0;
    for (int o = group * outPerGroup; o < (group + 1) * outPerGroup; o++) {
      for (int i = 0; i < g.kernelHeight(); i++) {
        for (int j = 0; j < g.kernelWidth(); j++) {
          // Output (p, q) reads input row p sH - pH + i: it fed h when that equals h.
          int rowOffset = h + g.padHeight() - i;
          int colOffset = v + g.padWidth() - j;
          if (rowOffset % g.strideHeight() != 0 || colOffset % g.strideWidth() != 0) {
            continue;
          }
          int p = rowOffset / g.strideHeight();
          int q = colOffset / g.strideWidth();
          if (rowOffset >= 0 && colOffset >= 0 && p < output.height() && q < output.width()) {
            sum += weight(w, g, o, c - group * inPerGroup, i, j) * dy[index(output, n, o, p, q)];
          }
        }
      }
    }
    return sum;
  }

  /** dw, shaped like the weights [O, C / g, kH, kW]. */
  public static double[] weightGradient(
      double[] dy, double[] x, Shape input, ConvolutionGeometry g) {
    double[] dw = new double[(int) g.weightShape().size()];
    int index = 0;
    for (int o = 0; o < g.outChannels(); o++) {
      for (int c = 0; c < g.inChannels() / g.groups(); c++) {
        for (int i = 0; i < g.kernelHeight(); i++) {
          for (int j = 0; j < g.kernelWidth(); j++) {
            dw[index++] = weightGradientAt(dy, x, input, g, o, c, i, j);
          }
        }
      }
    }
    return dw;
  }

  /** One weight-gradient element dw[o, c', i, j]. */
  public static double weightGradientAt(
      double[] dy, double[] x, Shape input, ConvolutionGeometry g, int o, int c, int i, int j) {
    Shape output = g.outputShape(input);
    int inPerGroup = g.inChannels() / g.groups();
    int firstIn = (o / (g.outChannels() / g.groups())) * inPerGroup;
    double sum = 0;
    for (int n = 0; n < output.batch(); n++) {
      for (int p = 0; p < output.height(); p++) {
        for (int q = 0; q < output.width(); q++) {
          int h = p * g.strideHeight() - g.padHeight() + i;
          int v = q * g.strideWidth() - g.padWidth() + j;
          sum += dy[index(output, n, o, p, q)] * pixel(x, input, n, firstIn + c, h, v);
        }
      }
    }
    return sum;
  }

  /** db[o] = sum over batch and positions of dy. */
  public static double[] biasGradient(double[] dy, Shape output) {
    double[] db = new double[output.channels()];
    for (int n = 0; n < output.batch(); n++) {
      for (int o = 0; o < output.channels(); o++) {
        for (int p = 0; p < output.height(); p++) {
          for (int q = 0; q < output.width(); q++) {
            db[o] += dy[index(output, n, o, p, q)];
          }
        }
      }
    }
    return db;
  }

  /** Row-major flat index of (n, c, h, w) in an NCHW shape. */
  static int index(Shape s, int n, int c, int h, int w) {
    return ((n * s.channels() + c) * s.height() + h) * s.width() + w;
  }

  private static boolean inside(Shape s, int h, int w) {
    return h >= 0 && h < s.height() && w >= 0 && w < s.width();
  }

  /** x[n, c, h, w], zero in the padding. */
  private static double pixel(double[] x, Shape s, int n, int c, int h, int w) {
    return inside(s, h, w) ? x[index(s, n, c, h, w)] : 0;
  }

  private static double weight(double[] w, ConvolutionGeometry g, int o, int c, int i, int j) {
    int inPerGroup = g.inChannels() / g.groups();
    return w[((o * inPerGroup + c) * g.kernelHeight() + i) * g.kernelWidth() + j];
  }
}
