package dev.alexnet4j.api.train;

/**
 * The paper's rule (section 5): "divide the learning rate by 10 when the validation error rate
 * stopped improving", which it did three times. Here: when the validation top-1 error has not
 * improved on its best for {@code patience} epochs, the rate is multiplied by {@code factor}, at
 * most {@code maxReductions} times; the patience count restarts after each reduction.
 */
public final class PlateauSchedule implements LearningRateSchedule {
  private final float initial;
  private final double factor;
  private final int patience;
  private final int maxReductions;
  private int reductions;
  private int epochsWithoutImprovement;
  private double best = Double.POSITIVE_INFINITY;

  public PlateauSchedule(float initial, double factor, int patience, int maxReductions) {
    if (patience <= 0 || maxReductions < 0 || !(factor > 0 && factor < 1)) {
      throw new IllegalArgumentException(
          "plateau schedule needs patience > 0, max-reductions >= 0, 0 < factor < 1; got "
              + patience
              + ", "
              + maxReductions
              + ", "
              + factor);
    }
    this.initial = initial;
    this.factor = factor;
    this.patience = patience;
    this.maxReductions = maxReductions;
  }

  @Override
  public float rate() {
    return (float) (initial * Math.pow(factor, reductions));
  }

  /** How many times the rate has been divided so far. */
  public int reductions() {
    return reductions;
  }

  @Override
  public void epochEnded(int epoch, double validationTop1Error) {
    if (Double.isNaN(validationTop1Error)) {
      return;
    }
    if (validationTop1Error < best) {
      best = validationTop1Error;
      epochsWithoutImprovement = 0;
      return;
    }
    epochsWithoutImprovement++;
    if (epochsWithoutImprovement >= patience && reductions < maxReductions) {
      reductions++;
      epochsWithoutImprovement = 0;
    }
  }

  @Override
  public String state() {
    return "plateau reductions="
        + reductions
        + " without-improvement="
        + epochsWithoutImprovement
        + " best="
        + Double.doubleToLongBits(best);
  }

  @Override
  public void restore(String state) {
    reductions = ScheduleState.intField(state, "plateau", "reductions");
    epochsWithoutImprovement = ScheduleState.intField(state, "plateau", "without-improvement");
    best = Double.longBitsToDouble(ScheduleState.longField(state, "plateau", "best"));
  }
}
