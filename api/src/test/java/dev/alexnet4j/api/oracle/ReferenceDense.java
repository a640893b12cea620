package dev.alexnet4j.api.oracle;

/**
 * A fully connected layer in double: x [N, in] (any input whose sample has {@code in} elements,
 * read row-major), W [out, in], b [out]:
 *
 * <pre>
 * y[n, o]  = b[o] + sum_i x[n, i] W[o, i]      (y = x W^T + b)
 * dx[n, i] = sum_o dy[n, o] W[o, i]            (dx = dy W)
 * dW[o, i] = sum_n dy[n, o] x[n, i]            (dW = dy^T x)
 * db[o]    = sum_n dy[n, o]
 * </pre>
 *
 * The {@code ...At} methods give one element, for sampled checks of fc6-sized layers.
 */
public final class ReferenceDense {
  private ReferenceDense() {}

  /** {@code b} may be null for no bias. */
  public static double[] forward(double[] x, double[] w, double[] b, int batch, int in, int out) {
    double[] y = new double[batch * out];
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < out; o++) {
        y[n * out + o] = outputAt(x, w, b, in, n, o);
      }
    }
    return y;
  }

  public static double outputAt(double[] x, double[] w, double[] b, int in, int n, int o) {
    double sum = b == null ? 0 : b[o];
    for (int i = 0; i < in; i++) {
      sum += x[n * in + i] * w[o * in + i];
    }
    return sum;
  }

  public static double[] inputGradient(double[] dy, double[] w, int batch, int in, int out) {
    double[] dx = new double[batch * in];
    for (int n = 0; n < batch; n++) {
      for (int i = 0; i < in; i++) {
        dx[n * in + i] = inputGradientAt(dy, w, in, out, n, i);
      }
    }
    return dx;
  }

  public static double inputGradientAt(double[] dy, double[] w, int in, int out, int n, int i) {
    double sum = 0;
    for (int o = 0; o < out; o++) {
      sum += dy[n * out + o] * w[o * in + i];
    }
    return sum;
  }

  public static double[] weightGradient(double[] dy, double[] x, int batch, int in, int out) {
    double[] dw = new double[out * in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        dw[o * in + i] = weightGradientAt(dy, x, batch, in, out, o, i);
      }
    }
    return dw;
  }

  public static double weightGradientAt(
      double[] dy, double[] x, int batch, int in, int out, int o, int i) {
    double sum = 0;
    for (int n = 0; n < batch; n++) {
      sum += dy[n * out + o] * x[n * in + i];
    }
    return sum;
  }

  public static double[] biasGradient(double[] dy, int batch, int out) {
    double[] db = new double[out];
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < out; o++) {
        db[o] += dy[n * out + o];
      }
    }
    return db;
  }
}
