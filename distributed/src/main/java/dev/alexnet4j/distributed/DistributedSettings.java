package dev.alexnet4j.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The {@code alexnet4j.distributed} block of the configuration (see this module's {@code
 * reference.conf}), read once when a collective is opened.
 *
 * @param timeout how long one collective may take before this rank aborts the job
 * @param localRank this process's local rank when set in the config; empty ({@code auto}) to take
 *     it from the launcher's environment ({@link LocalRank})
 */
public record DistributedSettings(Duration timeout, OptionalInt localRank) {
  public static final String PATH = "alexnet4j.distributed";

  /** The value of {@code local-rank} that means "from the launcher". */
  static final String AUTO = "auto";

  public DistributedSettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
    if (localRank.isPresent() && localRank.getAsInt() < 0) {
      throw new IllegalArgumentException("local rank must be >= 0, got " + localRank);
    }
  }

  /** Settings with the given timeout and the local rank from the launcher. */
  public DistributedSettings(Duration timeout) {
    this(timeout, OptionalInt.empty());
  }

  public static DistributedSettings from(Config config) {
    if (!config.hasPath(PATH)) {
      throw new ConfigurationException(
          PATH,
          "missing: the config lacks the distributed module's reference.conf; build it with"
              + " ConfigFactory.load() or withFallback(ConfigFactory.defaultReference())");
    }
    Config block = config.getConfig(PATH);
    ConfigValues values = new ConfigValues(block, PATH);
    return new DistributedSettings(
        Duration.ofSeconds(values.positive("timeout-seconds")), localRank(values));
  }

  // auto, or a number; -Dalexnet4j.distributed.local-rank=1 arrives as the string "1".
  private static OptionalInt localRank(ConfigValues values) {
    String text = values.string("local-rank").trim();
    if (text.toLowerCase(Locale.ROOT).equals(AUTO)) {
      return OptionalInt.empty();
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 0) {
      throw new ConfigurationException(
          LocalRank.KEY,
          "must be auto (from the launcher: "
              + String.join(", ", LocalRank.VARIABLES)
              + ") or an integer >= 0, got '"
              + text
              + "'");
    }
    return OptionalInt.of(value);
  }
}
