package dev.alexnet4j.experiments;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import dev.alexnet4j.experiments.RunRecord.CurvePoint;
import dev.alexnet4j.experiments.RunRecord.EpochRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Listens to one run: the training curve (mean batch top-1 error over stretches of about 1/{@value
 * ExperimentRunner#CURVE_POINTS_PER_EPOCH} epoch, so a target crossed early in the first epoch is
 * resolved), the first time it reaches the experiment's target, the seconds of training steps, and
 * one record per epoch. Not thread-safe: the trainer calls listeners from its one thread.
 */
final class RunRecorder implements TrainingListener {
  private final int batch;
  private final double target;
  private final DoubleSupplier trainingSetError;
  private final List<EpochRecord> epochs = new ArrayList<>();
  private final List<CurvePoint> curve = new ArrayList<>();
  private double seconds;
  private double windowSum;
  private int windowCount;
  private double targetEpochs = Double.NaN;
  private double targetSeconds = Double.NaN;

  /**
   * @param batch images per step
   * @param target training error (fraction) whose first crossing is recorded, or NaN
   * @param trainingSetError evaluated after each epoch (a fixed part of the training set, dropout
   *     off), or null
   */
  RunRecorder(int batch, double target, DoubleSupplier trainingSetError) {
    this.batch = batch;
    this.target = target;
    this.trainingSetError = trainingSetError;
  }

  @Override
  public void stepEnded(StepReport r) {
    if (Double.isFinite(r.imagesPerSecond()) && r.imagesPerSecond() > 0) {
      seconds += batch / r.imagesPerSecond();
    }
    windowSum += r.top1Error();
    windowCount++;
    int window =
        Math.max(
            1,
            (int)
                Math.round(r.batchesInEpoch() / (double) ExperimentRunner.CURVE_POINTS_PER_EPOCH));
    boolean endOfEpoch = r.batchInEpoch() + 1 >= r.batchesInEpoch();
    if (windowCount >= window || endOfEpoch) {
      double error = windowSum / windowCount;
      double at = r.epoch() + (r.batchInEpoch() + 1.0) / r.batchesInEpoch();
      curve.add(new CurvePoint(at, seconds, error));
      if (Double.isNaN(targetEpochs) && Double.isFinite(target) && error <= target) {
        targetEpochs = at;
        targetSeconds = seconds;
      }
      windowSum = 0;
      windowCount = 0;
    }
  }

  @Override
  public void epochEnded(EpochReport r) {
    double trainingSet = trainingSetError == null ? Double.NaN : trainingSetError.getAsDouble();
    epochs.add(
        new EpochRecord(
            r.epoch(),
            r.trainLoss(),
            r.trainTop1Error(),
            r.trainTop5Error(),
            r.validationLoss(),
            r.validationTop1Error(),
            r.validationTop5Error(),
            trainingSet,
            r.seconds()));
  }

  /** What the run measured. */
  RunRecord record(
      String arm, int seedIndex, long seed, long augmentSeed, double wallSeconds, String failure) {
    return new RunRecord(
        arm,
        seedIndex,
        seed,
        augmentSeed,
        epochs,
        curve,
        targetEpochs,
        targetSeconds,
        seconds,
        wallSeconds,
        failure);
  }
}
