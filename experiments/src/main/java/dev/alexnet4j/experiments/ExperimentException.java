package dev.alexnet4j.experiments;

/** A mistake the user can fix (an unknown name, data that cannot serve): one line, no trace. */
public final class ExperimentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExperimentException(String message) {
    super(message);
  }
}
