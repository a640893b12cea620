package dev.alexnet4j.experiments;

import java.util.List;

/**
 * What one run (one arm under one seed) measured.
 *
 * @param arm the arm's name
 * @param seedIndex 0 for the first seed
 * @param seed {@code alexnet4j.seed} of the run (weights, dropout)
 * @param augmentSeed {@code alexnet4j.augment.seed} of the run (data order, crops, colour noise)
 * @param epochs one record per epoch, in order
 * @param curve the training error as it went: the mean top-1 error of the batches of each stretch
 *     of about 1/{@value ExperimentRunner#CURVE_POINTS_PER_EPOCH} epoch (as trained: dropout and
 *     augmentation on)
 * @param targetEpochs epochs of training until the curve first reached the experiment's training
 *     error target (NaN when it never did, or the experiment has none)
 * @param targetSeconds seconds of training steps until then (validation excluded; NaN likewise)
 * @param trainingSeconds seconds of all training steps of the run
 * @param wallSeconds the whole run: building the network, training, every evaluation
 * @param failure why the run stopped early (values stopped being finite: it diverged), or null
 */
public record RunRecord(
    String arm,
    int seedIndex,
    long seed,
    long augmentSeed,
    List<EpochRecord> epochs,
    List<CurvePoint> curve,
    double targetEpochs,
    double targetSeconds,
    double trainingSeconds,
    double wallSeconds,
    String failure) {

  public RunRecord {
    epochs = List.copyOf(epochs);
    curve = List.copyOf(curve);
  }

  /** The last epoch's record. */
  public EpochRecord last() {
    if (epochs.isEmpty()) {
      throw new IllegalStateException("run " + arm + " seed " + seed + " ended no epoch");
    }
    return epochs.get(epochs.size() - 1);
  }

  /** Whether the run trained all its epochs (it did not diverge). */
  public boolean completed() {
    return failure == null && !epochs.isEmpty();
  }

  /** Whether the training error target was reached. */
  public boolean reachedTarget() {
    return Double.isFinite(targetEpochs);
  }

  /** Epochs trained. */
  public int epochCount() {
    return epochs.size();
  }

  /**
   * One epoch: training figures as trained (dropout on, averaged over the epoch's batches),
   * validation figures after it, and, where the experiment asks for it, the error on a fixed part
   * of the training set evaluated like the validation set (dropout off, centre crop).
   */
  public record EpochRecord(
      int epoch,
      double trainLoss,
      double trainTop1,
      double trainTop5,
      double validationLoss,
      double validationTop1,
      double validationTop5,
      double trainingSetTop1,
      double seconds) {}

  /**
   * A point of the training curve.
   *
   * @param epochs epochs trained at the end of the stretch (fractional)
   * @param seconds seconds of training steps up to then
   * @param top1 the stretch's mean batch top-1 error
   */
  public record CurvePoint(double epochs, double seconds, double top1) {}
}
