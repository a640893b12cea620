package dev.alexnet4j.experiments;

import java.util.List;

/**
 * One arm's figure over its seeds: mean, minimum and maximum of the runs that gave a figure, the
 * values in seed order (NaN for a run that gave none: it diverged), how many of them are only
 * bounds (a target not reached within the run) and how many are missing.
 */
public record Summary(
    double mean, double min, double max, List<Double> values, int censored, int missing) {
  public Summary {
    values = List.copyOf(values);
  }

  /** The summary of {@code values}; {@code censored} of them are lower bounds. */
  public static Summary of(List<Double> values, int censored) {
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int count = 0;
    for (double v : values) {
      if (Double.isNaN(v)) {
        continue;
      }
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      count++;
    }
    if (count == 0) {
      return new Summary(Double.NaN, Double.NaN, Double.NaN, values, censored, values.size());
    }
    return new Summary(sum / count, min, max, values, censored, values.size() - count);
  }

  /** Values that are all exact. */
  public static Summary of(List<Double> values) {
    return of(values, 0);
  }
}
