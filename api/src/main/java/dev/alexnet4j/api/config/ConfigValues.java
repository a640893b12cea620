package dev.alexnet4j.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * Typed reads that turn Typesafe Config's exceptions into one-line {@link ConfigurationException}s
 * naming the full key path, as every settings class of the project reports them.
 */
public final class ConfigValues {
  private final Config config;
  private final String prefix;

  /**
   * @param config the block to read
   * @param prefix the full path of that block, used in messages (e.g. {@code alexnet4j} or {@code
   *     alexnet4j.models.alexnet.layers[2]})
   */
  public ConfigValues(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  public String string(String key) {
    return read(key, "a string", () -> config.getString(key));
  }

  public int integer(String key) {
    return read(key, "an integer", () -> config.getInt(key));
  }

  public long longValue(String key) {
    return read(key, "an integer", () -> config.getLong(key));
  }

  public double number(String key) {
    return read(key, "a number", () -> config.getDouble(key));
  }

  public boolean bool(String key) {
    return read(key, "true or false", () -> config.getBoolean(key));
  }

  public List<String> strings(String key) {
    return read(key, "a list of strings", () -> config.getStringList(key));
  }

  public List<Integer> integers(String key) {
    return read(key, "a list of integers", () -> config.getIntList(key));
  }

  /** A positive integer. */
  public int positive(String key) {
    int v = integer(key);
    if (v <= 0) {
      throw new ConfigurationException(path(key), "must be > 0, got " + v);
    }
    return v;
  }

  /** A non-negative integer. */
  public int nonNegative(String key) {
    int v = integer(key);
    if (v < 0) {
      throw new ConfigurationException(path(key), "must be >= 0, got " + v);
    }
    return v;
  }

  private <T> T read(String key, String expected, java.util.function.Supplier<T> getter) {
    try {
      return getter.get();
    } catch (ConfigException.Missing e) {
      throw new ConfigurationException(path(key), "is required (expected " + expected + ")", e);
    } catch (ConfigException.WrongType e) {
      throw new ConfigurationException(
          path(key), "expected " + expected + ", got " + describe(key), e);
    } catch (ConfigException e) {
      throw new ConfigurationException(path(key), e.getMessage(), e);
    }
  }

  private String describe(String key) {
    try {
      var value = config.getValue(key);
      return value.valueType().name().toLowerCase(java.util.Locale.ROOT)
          + " "
          + value.render(com.typesafe.config.ConfigRenderOptions.concise());
    } catch (ConfigException e) {
      return "an unreadable value";
    }
  }
}
