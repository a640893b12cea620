package dev.alexnet4j.api.checkpoint;

import java.io.IOException;

/**
 * A file (or an entry inside one) that cannot be read as what it claims to be: wrong magic,
 * truncated, a checksum that does not match, an unsupported dtype. The message is {@code <source>:
 * <problem>}, naming the file (and entry) and what was wrong; nothing of the file has been loaded
 * when it is thrown.
 */
public class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;

  public FileFormatException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  public FileFormatException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file, or file and entry ({@code weights.npz entry conv1.weight.npy}), that is wrong. */
  public String source() {
    return source;
  }
}
