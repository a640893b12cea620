package dev.alexnet4j.api.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.tensor.Shape;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Comparisons of backend results (float) with the reference (double) whose failure messages say
 * which op and case, where (flat and multi-dimensional index), both values, and how far off the
 * whole array is.
 */
public final class OracleAssertions {
  /** How many offending elements a message lists before it stops. */
  private static final int LISTED = 5;

  private OracleAssertions() {}

  /** Every element of {@code actual} is within {@code tolerance} of {@code expected}. */
  public static void assertClose(
      String what, float[] actual, double[] expected, Tolerance tolerance) {
    assertClose(what, actual, expected, null, tolerance);
  }

  /**
   * Every element of {@code actual} is within {@code tolerance} of {@code expected}; {@code shape},
   * unless null, turns flat indices into multi-dimensional ones in the message.
   */
  public static void assertClose(
      String what, float[] actual, double[] expected, Shape shape, Tolerance tolerance) {
    if (actual.length != expected.length) {
      fail(what + ": length " + actual.length + ", expected " + expected.length);
    }
    compare(what, identity(actual.length), i -> actual[i], i -> expected[i], shape, tolerance);
  }

  /** Double-precision variant, for the reference against finite differences. */
  public static void assertClose(
      String what, double[] actual, double[] expected, Shape shape, Tolerance tolerance) {
    if (actual.length != expected.length) {
      fail(what + ": length " + actual.length + ", expected " + expected.length);
    }
    compare(what, identity(actual.length), i -> actual[i], i -> expected[i], shape, tolerance);
  }

  /**
   * The elements of {@code actual} at {@code indices} are within {@code tolerance} of {@code
   * expectedAt}, evaluated only there: for shapes where a full reference pass is too slow.
   */
  public static void assertCloseAt(
      String what,
      float[] actual,
      Shape shape,
      int[] indices,
      IntToDoubleFunction expectedAt,
      Tolerance tolerance) {
    if (shape != null && actual.length != shape.size()) {
      fail(what + ": length " + actual.length + ", expected " + shape.size() + " for " + shape);
    }
    double[] expected = new double[indices.length];
    for (int j = 0; j < indices.length; j++) {
      expected[j] = expectedAt.applyAsDouble(indices[j]);
    }
    compare(what, indices, j -> actual[indices[j]], j -> expected[j], shape, tolerance);
  }

  /** Bitwise equality of two float arrays, reported like {@link #assertClose}. */
  public static void assertSameFloats(String what, float[] actual, float[] expected, Shape shape) {
    if (actual.length != expected.length) {
      fail(what + ": length " + actual.length + ", expected " + expected.length);
    }
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
        fail(
            what
                + ": first difference at "
                + describeIndex(i, shape)
                + ": actual "
                + actual[i]
                + ", expected "
                + expected[i]
                + " (bitwise)");
      }
    }
  }

  /**
   * {@code flat} and, when a shape is known, its multi-dimensional index, e.g. {@code 17 [0, 1, 2,
   * 3]}.
   */
  public static String describeIndex(int flat, Shape shape) {
    if (shape == null || flat < 0 || flat >= shape.size()) {
      return "index " + flat;
    }
    int[] dims = shape.dims();
    int[] at = new int[dims.length];
    int rest = flat;
    for (int axis = dims.length - 1; axis >= 0; axis--) {
      at[axis] = rest % dims[axis];
      rest /= dims[axis];
    }
    return "index " + flat + " " + Arrays.toString(at) + " of " + shape;
  }

  private static int[] identity(int length) {
    int[] all = new int[length];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /** Compares position j of the two functions, which is element {@code indices[j]}. */
  private static void compare(
      String what,
      int[] indices,
      IntToDoubleFunction actual,
      IntToDoubleFunction expected,
      Shape shape,
      Tolerance tolerance) {
    int bad = 0;
    double maxError = 0;
    int maxAt = -1;
    StringBuilder listed = new StringBuilder();
    for (int j = 0; j < indices.length; j++) {
      double a = actual.applyAsDouble(j);
      double e = expected.applyAsDouble(j);
      double error = Double.isFinite(a) ? Math.abs(a - e) : Double.POSITIVE_INFINITY;
      if (maxAt < 0 || error > maxError) {
        maxError = error;
        maxAt = indices[j];
      }
      if (!tolerance.accepts(a, e)) {
        if (bad < LISTED) {
          listed
              .append("\n  element ")
              .append(describeIndex(indices[j], shape))
              .append(": actual ")
              .append(a)
              .append(", expected ")
              .append(e)
              .append(", error ")
              .append(error)
              .append(" > bound ")
              .append(tolerance.bound(e));
        }
        bad++;
      }
    }
    if (bad > 0) {
      fail(
          what
              + ": "
              + bad
              + " of "
              + indices.length
              + " compared elements outside "
              + tolerance
              + "; max error "
              + maxError
              + " at "
              + describeIndex(maxAt, shape)
              + listed
              + (bad > LISTED ? "\n  ..." : ""));
    }
  }
}
