package dev.alexnet4j.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.time.Duration;

/**
 * The {@code alexnet4j.distributed} block of the configuration (see this module's {@code
 * reference.conf}), read once when a collective is opened.
 *
 * @param timeout how long one collective may take before this rank aborts the job
 */
public record DistributedSettings(Duration timeout) {
  public static final String PATH = "alexnet4j.distributed";

  public DistributedSettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
  }

  public static DistributedSettings from(Config config) {
    if (!config.hasPath(PATH)) {
      throw new ConfigurationException(
          PATH,
          "missing: the config lacks the distributed module's reference.conf; build it with"
              + " ConfigFactory.load() or withFallback(ConfigFactory.defaultReference())");
    }
    ConfigValues values = new ConfigValues(config.getConfig(PATH), PATH);
    return new DistributedSettings(Duration.ofSeconds(values.positive("timeout-seconds")));
  }
}
