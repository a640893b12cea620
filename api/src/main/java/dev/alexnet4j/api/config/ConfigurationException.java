package dev.alexnet4j.api.config;

/**
 * A configuration that cannot run: the message is one line naming the key path, what was wrong and
 * what is allowed.
 */
public class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public ConfigurationException(String path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  public ConfigurationException(String path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
    this.path = path;
  }

  /** The config key path (or layer path) the error is about. */
  public String path() {
    return path;
  }
}
