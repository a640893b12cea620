package dev.alexnet4j.api.oracle;

/**
 * An elementwise closeness bound: {@code |actual - expected| <= absolute + relative * |expected|}.
 * The absolute part covers elements near zero, where cancellation makes a relative bound
 * meaningless; the relative part covers large elements.
 *
 * @param name how failure messages refer to it, e.g. {@code FORWARD}
 */
public record Tolerance(String name, double relative, double absolute) {
  public Tolerance {
    if (!(relative >= 0) || !(absolute >= 0)) {
      throw new IllegalArgumentException(
          "tolerance "
              + name
              + " needs relative and absolute >= 0, got "
              + relative
              + ", "
              + absolute);
    }
  }

  /** The largest error allowed for an element whose expected value is {@code expected}. */
  public double bound(double expected) {
    return absolute + relative * Math.abs(expected);
  }

  /** Whether {@code actual} is close enough; NaN or infinite values never are. */
  public boolean accepts(double actual, double expected) {
    double error = Math.abs(actual - expected);
    return Double.isFinite(actual) && error <= bound(expected);
  }

  @Override
  public String toString() {
    return name + " (|a - e| <= " + absolute + " + " + relative + " |e|)";
  }
}
