package dev.alexnet4j.api.train;

/**
 * The learning rate over a run. The trainer asks for {@link #rate()} at every step and reports each
 * epoch's validation error; a schedule's state survives checkpoints through {@link #state()}.
 */
public interface LearningRateSchedule {
  /** The rate for the coming steps. */
  float rate();

  /**
   * Called once per epoch after validation.
   *
   * @param epoch the epoch that ended, from 0
   * @param validationTop1Error its validation top-1 error in [0, 1], or NaN without validation
   */
  void epochEnded(int epoch, double validationTop1Error);

  /** A one-line description of the schedule's state, e.g. for a checkpoint. */
  String state();

  /** Restores a state written by {@link #state()} of the same kind of schedule. */
  void restore(String state);
}
