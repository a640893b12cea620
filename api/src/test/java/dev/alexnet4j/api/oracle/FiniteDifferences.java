package dev.alexnet4j.api.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Central finite differences of a scalar function in double: df/dx_i ~ (f(x + h e_i) - f(x - h
 * e_i)) / 2h, with error h^2 / 6 |f'''| plus rounding of about eps |f| / h.
 *
 * <p>Vector-valued ops are checked through a random projection L(x) = sum_j r_j op(x)_j, whose
 * gradient is the op's backward applied to the output gradient r: one scalar per op exercises every
 * output element.
 */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /** A scalar function of a double vector; it must not keep or modify its argument. */
  @FunctionalInterface
  public interface ScalarFunction {
    double value(double[] x);
  }

  /** L(x) = sum_j r_j op(x)_j. */
  public static ScalarFunction projected(UnaryOperator<double[]> op, double[] r) {
    return x -> {
      double[] y = op.apply(x);
      if (y.length != r.length) {
        throw new IllegalArgumentException(
            "projection has " + r.length + " weights for " + y.length + " outputs");
      }
      double sum = 0;
      for (int j = 0; j < y.length; j++) {
        sum += r[j] * y[j];
      }
      return sum;
    };
  }

  /** The central difference in coordinate i; x is restored afterwards. */
  public static double derivative(ScalarFunction f, double[] x, int i, double h) {
    double saved = x[i];
    try {
      x[i] = saved + h;
      double plus = f.value(x);
      x[i] = saved - h;
      double minus = f.value(x);
      return (plus - minus) / (2 * h);
    } finally {
      x[i] = saved;
    }
  }

  /** The central difference in every coordinate. */
  public static double[] gradient(ScalarFunction f, double[] x, double h) {
    double[] grad = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      grad[i] = derivative(f, x, i, h);
    }
    return grad;
  }

  /** Every coordinate 0 .. size - 1. */
  public static int[] all(int size) {
    int[] all = new int[size];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /**
   * {@code k} distinct coordinates of {@code 0 .. size - 1}, ascending, drawn from {@code seed}
   * (all of them when k >= size): the same seed gives the same sample on every run.
   */
  public static int[] sample(int size, int k, long seed) {
    if (k >= size) {
      return all(size);
    }
    // Floyd's algorithm: k distinct values with k draws, whatever the size.
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> chosen = new HashSet<>();
    for (int j = size - k; j < size; j++) {
      int t = random.nextInt(j + 1);
      chosen.add(chosen.contains(t) ? j : t);
    }
    return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /**
   * The analytic gradient agrees with central differences of {@code f} at {@code coordinates}.
   *
   * @param analytic the full gradient claimed for f at x
   */
  public static void assertGradient(
      String what,
      ScalarFunction f,
      double[] x,
      double[] analytic,
      int[] coordinates,
      double h,
      Tolerance tolerance) {
    if (analytic.length != x.length) {
      fail(what + ": gradient has " + analytic.length + " elements for " + x.length + " inputs");
    }
    StringBuilder failures = new StringBuilder();
    int bad = 0;
    for (int i : coordinates) {
      double numeric = derivative(f, x, i, h);
      if (!tolerance.accepts(analytic[i], numeric)) {
        bad++;
        if (bad <= 5) {
          failures
              .append("\n  coordinate ")
              .append(i)
              .append(": analytic ")
              .append(analytic[i])
              .append(", finite difference ")
              .append(numeric)
              .append(", error ")
              .append(Math.abs(analytic[i] - numeric));
        }
      }
    }
    if (bad > 0) {
      fail(
          what
              + ": "
              + bad
              + " of "
              + coordinates.length
              + " coordinates disagree with central differences (h = "
              + h
              + ") beyond "
              + tolerance
              + failures);
    }
  }
}
