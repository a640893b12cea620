package dev.alexnet4j.cli;

/** A mistake the user can fix: printed as one line, exit code 2, no stack trace. */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }
}
