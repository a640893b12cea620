package dev.alexnet4j.experiments;

import java.util.Locale;

/**
 * Whether a measurement agrees with the direction of the paper's claim. The rule: with fewer than
 * two seeds in either arm there is no spread, so nothing can be told apart (inconclusive); a
 * difference between the arms' means no larger than the spread across seeds (the larger of the two
 * arms' ranges, max - min) is "no measurable difference here" (inconclusive), never a confirmation;
 * a larger difference agrees or disagrees with the claim's direction.
 */
public enum Verdict {
  AGREE("agree"),
  DISAGREE("disagree"),
  INCONCLUSIVE("inconclusive"),
  NOT_JUDGED("not judged");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** As the tables write it. */
  public String label() {
    return label;
  }

  /** The verdict and its reason in words. */
  public record Judgement(Verdict verdict, double difference, double spread, String reason) {}

  /**
   * Judges the first arm against the second.
   *
   * @param first the first arm's figures over seeds
   * @param second the second arm's, under the same seeds
   */
  public static Judgement judge(
      Summary first, Summary second, Measure.Expectation expectation, Measure.Unit unit) {
    double difference = first.mean() - second.mean();
    double spread = Math.max(first.max() - first.min(), second.max() - second.min());
    if (expectation == Measure.Expectation.NONE) {
      return new Judgement(NOT_JUDGED, difference, spread, "reported, not judged");
    }
    if (first.values().size() < 2 || second.values().size() < 2) {
      return new Judgement(
          INCONCLUSIVE,
          difference,
          spread,
          "one seed has no spread to compare the difference with; run with --seeds 2 or more");
    }
    if (first.missing() > 0
        || second.missing() > 0
        || !Double.isFinite(difference)
        || !Double.isFinite(spread)) {
      return new Judgement(
          INCONCLUSIVE,
          difference,
          spread,
          "a run gave no figure (it diverged), so the arms are not compared");
    }
    if (Math.abs(difference) <= spread) {
      return new Judgement(
          INCONCLUSIVE,
          difference,
          spread,
          "no measurable difference here: the difference "
              + Format.difference(difference, unit)
              + " is within the spread across seeds ("
              + Format.magnitude(spread, unit)
              + ")");
    }
    boolean firstLower = difference < 0;
    boolean expectedLower = expectation == Measure.Expectation.FIRST_LOWER;
    String beyond =
        "the difference "
            + Format.difference(difference, unit)
            + " exceeds the spread across seeds ("
            + Format.magnitude(spread, unit)
            + ")";
    return firstLower == expectedLower
        ? new Judgement(AGREE, difference, spread, beyond + ", in the paper's direction")
        : new Judgement(DISAGREE, difference, spread, beyond + ", against the paper's direction");
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }
}
