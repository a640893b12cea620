package dev.alexnet4j.experiments;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * One figure an experiment compares between its arms, taken from each run, with the paper's claim
 * about it and the direction of that claim.
 *
 * @param name what is measured, e.g. "validation top-1 error after the last epoch"
 * @param claim the paper's claim in words, or why the row is not judged
 * @param expectation which way the paper says the first arm differs from the second; {@link
 *     Expectation#NONE} for a figure reported but not judged
 * @param value the figure of one run
 * @param censored whether a run's figure is only a bound (a target not reached within the run: the
 *     figure is then the whole run's length, a lower bound)
 */
public record Measure(
    String name,
    Unit unit,
    String claim,
    Expectation expectation,
    ToDoubleFunction<RunRecord> value,
    Predicate<RunRecord> censored) {

  public Measure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(expectation, "expectation");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(censored, "censored");
  }

  /** A figure that is never censored. */
  public Measure(
      String name,
      Unit unit,
      String claim,
      Expectation expectation,
      ToDoubleFunction<RunRecord> value) {
    this(name, unit, claim, expectation, value, r -> false);
  }

  /** Whether the verdict rule is applied to this row. */
  public boolean judged() {
    return expectation != Expectation.NONE;
  }

  /** How a figure is written. */
  public enum Unit {
    /** A fraction written as a percentage; differences in percentage points. */
    ERROR,
    EPOCHS,
    SECONDS
  }

  /** The paper's direction for (first arm) minus (second arm). */
  public enum Expectation {
    /** The paper says the first arm's figure is lower (e.g. its error). */
    FIRST_LOWER,
    /** The paper says the first arm's figure is higher. */
    FIRST_HIGHER,
    /** Reported, not judged. */
    NONE
  }
}
