package dev.alexnet4j.api.train;

/**
 * Multiplies the rate by {@code gamma} every {@code everyEpochs} epochs (Caffe's "step" policy).
 */
public final class StepSchedule implements LearningRateSchedule {
  private final float initial;
  private final double gamma;
  private final int everyEpochs;
  private int epochsDone;

  public StepSchedule(float initial, double gamma, int everyEpochs) {
    if (everyEpochs <= 0) {
      throw new IllegalArgumentException(
          "step schedule needs every-epochs > 0, got " + everyEpochs);
    }
    this.initial = initial;
    this.gamma = gamma;
    this.everyEpochs = everyEpochs;
  }

  @Override
  public float rate() {
    return (float) (initial * Math.pow(gamma, epochsDone / everyEpochs));
  }

  @Override
  public void epochEnded(int epoch, double validationTop1Error) {
    epochsDone = epoch + 1;
  }

  @Override
  public String state() {
    return "step epochs-done=" + epochsDone;
  }

  @Override
  public void restore(String state) {
    epochsDone = ScheduleState.intField(state, "step", "epochs-done");
  }
}
