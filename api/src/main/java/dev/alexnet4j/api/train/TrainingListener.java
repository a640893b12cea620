package dev.alexnet4j.api.train;

/** Receives every step and epoch of a run (progress bars, logs and charts hang here). */
public interface TrainingListener {
  default void stepEnded(StepReport report) {}

  default void epochEnded(EpochReport report) {}

  /**
   * A checkpoint of the run after {@code step} steps is about to be written: whatever was reported
   * up to here should be made durable now (a log flushed), so that a run resumed from that
   * checkpoint after a crash continues a history without a hole.
   */
  default void checkpointing(long step) {}

  /** The run stopped, normally or not; {@code reason} says why. */
  default void runEnded(String reason) {}
}
