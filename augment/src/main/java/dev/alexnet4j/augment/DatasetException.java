package dev.alexnet4j.augment;

/**
 * A data set that cannot be used at all (missing root, no images, an empty class folder, a
 * malformed IDX file), raised before training starts. The message names the path and what to do.
 * Single unreadable images are not errors: they are skipped and counted ({@link UnreadableFiles}).
 */
public class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
