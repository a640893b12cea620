package dev.alexnet4j.api.train;

/** Receives every step and epoch of a run (progress bars, logs and charts hang here). */
public interface TrainingListener {
  default void stepEnded(StepReport report) {}

  default void epochEnded(EpochReport report) {}

  /** The run stopped, normally or not; {@code reason} says why. */
  default void runEnded(String reason) {}
}
