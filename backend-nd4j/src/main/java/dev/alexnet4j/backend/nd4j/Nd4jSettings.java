package dev.alexnet4j.backend.nd4j;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code alexnet4j.nd4j} settings (reference.conf documents each key), read and validated
 * eagerly so that a bad value fails at start-up naming its key.
 *
 * @param virtualDevices how many CPU devices ({@code cpu:0} ..) the backend exposes, at least 1
 * @param threads ND4J's thread count, or 0 to leave ND4J's default (OMP_NUM_THREADS or the core
 *     count)
 * @param shareCores with several virtual devices, whether each device's thread gets its own share
 *     of the cores
 */
public record Nd4jSettings(int virtualDevices, int threads, boolean shareCores) {
  public static final String PATH = "alexnet4j.nd4j";
  public static final String VIRTUAL_DEVICES = PATH + ".virtual-devices";
  public static final String THREADS = PATH + ".threads";
  public static final String SHARE_CORES = PATH + ".share-cores";

  private static final Set<String> KEYS = Set.of("virtual-devices", "threads", "share-cores");

  public Nd4jSettings {
    if (virtualDevices < 1) {
      throw new ConfigException.BadValue(
          VIRTUAL_DEVICES, "must be at least 1, got " + virtualDevices);
    }
    if (threads < 0) {
      throw new ConfigException.BadValue(
          THREADS, "must be 0 (ND4J's default) or a positive thread count, got " + threads);
    }
  }

  /**
   * Reads {@code alexnet4j.nd4j} from {@code config}, which is resolved against this module's
   * reference.conf so that missing keys take their documented defaults.
   *
   * @throws ConfigException naming the key on a missing, mistyped, unknown or out-of-range value
   */
  public static Nd4jSettings from(Config config) {
    Config reference = ConfigFactory.defaultReference(Nd4jSettings.class.getClassLoader());
    Config merged = config.withFallback(reference).resolve();
    merged.checkValid(reference, PATH);
    Set<String> unknown = new TreeSet<>(merged.getConfig(PATH).root().keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigException.BadPath(
          PATH + "." + unknown.iterator().next(),
          "unknown key (known keys under " + PATH + ": " + new TreeSet<>(KEYS) + ")");
    }
    return new Nd4jSettings(
        merged.getInt(VIRTUAL_DEVICES), merged.getInt(THREADS), merged.getBoolean(SHARE_CORES));
  }
}
