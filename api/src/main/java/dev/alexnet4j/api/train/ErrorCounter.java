package dev.alexnet4j.api.train;

/**
 * Counts top-1 and top-5 errors and sums losses over samples: the paper's metric, "the fraction of
 * test images for which the correct label is not among the n labels considered most probable".
 */
public final class ErrorCounter {
  private long samples;
  private long top1Errors;
  private long top5Errors;
  private double lossSum;

  /**
   * Adds the first {@code count} rows of a batch.
   *
   * @param ranked per sample, class indices best first (at least 1; top-5 uses up to 5)
   */
  public void add(int[][] ranked, int[] labels, int count) {
    for (int n = 0; n < count; n++) {
      int[] r = ranked[n];
      boolean top1 = r.length > 0 && r[0] == labels[n];
      boolean top5 = false;
      for (int i = 0; i < Math.min(5, r.length); i++) {
        top5 |= r[i] == labels[n];
      }
      top1Errors += top1 ? 0 : 1;
      top5Errors += top5 ? 0 : 1;
    }
    samples += count;
  }

  /** Adds a loss that is the mean over {@code count} samples. */
  public void addLoss(double meanLoss, int count) {
    lossSum += meanLoss * count;
  }

  public long samples() {
    return samples;
  }

  public double top1Error() {
    return samples == 0 ? Double.NaN : (double) top1Errors / samples;
  }

  public double top5Error() {
    return samples == 0 ? Double.NaN : (double) top5Errors / samples;
  }

  public double meanLoss() {
    return samples == 0 ? Double.NaN : lossSum / samples;
  }

  public void reset() {
    samples = 0;
    top1Errors = 0;
    top5Errors = 0;
    lossSum = 0;
  }
}
