package dev.alexnet4j.backend.cudnn;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code alexnet4j.cudnn} settings (reference.conf documents each key), read and validated
 * eagerly so that a bad value fails at start-up naming its key.
 *
 * @param algorithm how convolution algorithms are chosen
 * @param deterministic only deterministic algorithms
 * @param workspaceLimitBytes the most workspace one convolution plan may allocate
 */
public record CudnnSettings(
    AlgorithmSearch algorithm, boolean deterministic, long workspaceLimitBytes) {
  public static final String PATH = "alexnet4j.cudnn";
  public static final String ALGORITHM = PATH + ".algorithm";
  public static final String DETERMINISTIC = PATH + ".deterministic";
  public static final String WORKSPACE_LIMIT = PATH + ".workspace-limit";

  private static final Set<String> KEYS = Set.of("algorithm", "deterministic", "workspace-limit");

  /** How a convolution plan chooses its algorithms. */
  public enum AlgorithmSearch {
    /** cuDNN's heuristics ({@code cudnnGetConvolution*Algorithm_v7}): no GPU time. */
    HEURISTIC,
    /** Measured ({@code cudnnFindConvolution*Algorithm}): each candidate runs once. */
    FIND
  }

  public CudnnSettings {
    if (algorithm == null) {
      throw new ConfigException.BadValue(ALGORITHM, "must be heuristic or find");
    }
    if (workspaceLimitBytes < 0) {
      throw new ConfigException.BadValue(
          WORKSPACE_LIMIT, "must be >= 0 bytes, got " + workspaceLimitBytes);
    }
  }

  /** The defaults of reference.conf. */
  public static CudnnSettings defaults() {
    return from(ConfigFactory.empty());
  }

  /**
   * Reads {@code alexnet4j.cudnn} from {@code config}, resolved against this module's
   * reference.conf so that missing keys take their documented defaults.
   *
   * @throws ConfigException naming the key on a missing, mistyped, unknown or out-of-range value
   */
  public static CudnnSettings from(Config config) {
    Config reference = ConfigFactory.defaultReference(CudnnSettings.class.getClassLoader());
    Config merged = config.withFallback(reference).resolve();
    merged.checkValid(reference, PATH);
    Set<String> unknown = new TreeSet<>(merged.getConfig(PATH).root().keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigException.BadPath(
          PATH + "." + unknown.iterator().next(),
          "unknown key (known keys under " + PATH + ": " + new TreeSet<>(KEYS) + ")");
    }
    String search = merged.getString(ALGORITHM);
    AlgorithmSearch algorithm;
    try {
      algorithm = AlgorithmSearch.valueOf(search.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(
          ALGORITHM, "unknown value '" + search + "' (allowed: heuristic, find)");
    }
    return new CudnnSettings(
        algorithm, merged.getBoolean(DETERMINISTIC), merged.getBytes(WORKSPACE_LIMIT));
  }
}
