package dev.alexnet4j.api.train;

/** The same rate throughout. */
public final class ConstantSchedule implements LearningRateSchedule {
  private final float rate;

  public ConstantSchedule(float rate) {
    this.rate = rate;
  }

  @Override
  public float rate() {
    return rate;
  }

  @Override
  public void epochEnded(int epoch, double validationTop1Error) {}

  @Override
  public String state() {
    return "constant";
  }

  @Override
  public void restore(String state) {
    if (!state.equals("constant")) {
      throw new IllegalArgumentException("not a constant schedule's state: " + state);
    }
  }
}
