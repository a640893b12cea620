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
 * @param convolution how convolutions are computed on the CPU
 */
public record Nd4jSettings(
    int virtualDevices, int threads, boolean shareCores, Nd4jConvolutionPath convolution) {
  public static final String PATH = "alexnet4j.nd4j";
  public static final String VIRTUAL_DEVICES = PATH + ".virtual-devices";
  public static final String THREADS = PATH + ".threads";
  public static final String SHARE_CORES = PATH + ".share-cores";
  public static final String CONVOLUTION = PATH + ".convolution";

  /** The default of {@value #CONVOLUTION}, as in reference.conf. */
  public static final Nd4jConvolutionPath DEFAULT_CONVOLUTION = Nd4jConvolutionPath.AUTO;

  private static final Set<String> KEYS =
      Set.of("virtual-devices", "threads", "share-cores", "convolution");

  public Nd4jSettings {
    if (virtualDevices < 1) {
      throw new ConfigException.BadValue(
          VIRTUAL_DEVICES, "must be at least 1, got " + virtualDevices);
    }
    if (threads < 0) {
      throw new ConfigException.BadValue(
          THREADS, "must be 0 (ND4J's default) or a positive thread count, got " + threads);
    }
    if (convolution == null) {
      throw new ConfigException.BadValue(
          CONVOLUTION, "must be one of " + Nd4jConvolutionPath.configValues() + ", got null");
    }
  }

  /** Settings with the default convolution path ({@link #DEFAULT_CONVOLUTION}). */
  public Nd4jSettings(int virtualDevices, int threads, boolean shareCores) {
    this(virtualDevices, threads, shareCores, DEFAULT_CONVOLUTION);
  }

  /** These settings with another convolution path. */
  public Nd4jSettings withConvolution(Nd4jConvolutionPath path) {
    return new Nd4jSettings(virtualDevices, threads, shareCores, path);
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
        merged.getInt(VIRTUAL_DEVICES),
        merged.getInt(THREADS),
        merged.getBoolean(SHARE_CORES),
        Nd4jConvolutionPath.fromConfig(merged.getString(CONVOLUTION)));
  }
}
