package dev.alexnet4j.api.oracle;

/**
 * The rectified linear unit in double: y = max(0, x); dx = dy where x > 0, else 0 (the gradient at
 * x = 0 is taken as 0).
 */
public final class ReferenceRelu {
  private ReferenceRelu() {}

  public static double[] forward(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] > 0 ? x[i] : 0;
    }
    return y;
  }

  public static double[] backward(double[] dy, double[] x) {
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      dx[i] = x[i] > 0 ? dy[i] : 0;
    }
    return dx;
  }
}
