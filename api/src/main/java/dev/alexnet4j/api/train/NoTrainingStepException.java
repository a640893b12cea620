package dev.alexnet4j.api.train;

/**
 * The training data cannot fill a single step: too few samples for the batch, or too few of them
 * readable. A run that trained nothing must not look like one that finished.
 */
public class NoTrainingStepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoTrainingStepException(String message) {
    super(message);
  }
}
