package dev.alexnet4j.api.distributed;

/**
 * A collective operation failed or could not start: the message names the operation (or native
 * call), the status code where there is one, and the rank. After one, the job cannot continue: the
 * other ranks are waiting in the same operation.
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
