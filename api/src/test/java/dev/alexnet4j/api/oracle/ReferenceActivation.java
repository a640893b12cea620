package dev.alexnet4j.api.oracle;

import dev.alexnet4j.api.backend.Activation;

/**
 * The {@link Activation} functions and the elementwise product in double, with their derivatives
 * written from the input x (not from the output, as backends do), so that the two derivations check
 * each other.
 */
public final class ReferenceActivation {
  private ReferenceActivation() {}

  public static double[] forward(Activation f, double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = value(f, x[i]);
    }
    return y;
  }

  public static double[] backward(Activation f, double[] dy, double[] x) {
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      dx[i] = dy[i] * derivative(f, x[i]);
    }
    return dx;
  }

  static double value(Activation f, double x) {
    return switch (f.function()) {
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case EXP -> Math.exp(x);
      case ELU -> x > 0 ? x : f.alpha() * Math.expm1(x);
    };
  }

  static double derivative(Activation f, double x) {
    return switch (f.function()) {
      case TANH -> 1 / (Math.cosh(x) * Math.cosh(x));
      case SIGMOID -> Math.exp(-x) / ((1 + Math.exp(-x)) * (1 + Math.exp(-x)));
      case EXP -> Math.exp(x);
      case ELU -> x > 0 ? 1 : f.alpha() * Math.exp(x);
    };
  }

  /** y = a * b. */
  public static double[] multiply(double[] a, double[] b) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = a[i] * b[i];
    }
    return y;
  }
}
