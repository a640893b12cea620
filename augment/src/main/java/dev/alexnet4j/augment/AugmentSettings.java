package dev.alexnet4j.augment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code alexnet4j.augment} block of the config, read and checked in one go so that a bad value
 * fails when the loader is built rather than in the middle of an epoch. Every default lives in
 * {@code reference.conf}. Immutable.
 */
public final class AugmentSettings {
  /** Path of this module's block in the config. */
  public static final String PATH = "alexnet4j.augment";

  private final int workers;
  private final int prefetchBatches;
  private final long seed;
  private final PreprocessSettings preprocess;
  private final TrainSettings train;
  private final EvalViews evalViews;
  private final StatisticsSettings statistics;

  private AugmentSettings(ConfigValues v) {
    this.workers = atLeast(v, "workers", 1);
    this.prefetchBatches = atLeast(v, "prefetch-batches", 1);
    this.seed = v.longValue("seed");
    this.preprocess = readPreprocess(v);
    this.train =
        new TrainSettings(
            v.bool("train.shuffle"),
            v.bool("train.random-crop"),
            v.bool("train.mirror"),
            v.bool("train.fancy-pca.enabled"),
            nonNegativeNumber(v, "train.fancy-pca.sigma"));
    this.evalViews = Choices.parse(EvalViews.class, v.string("eval.views"), v.path("eval.views"));
    this.statistics =
        new StatisticsSettings(
            v.nonNegative("statistics.images"),
            atLeast(v, "statistics.pca-pixels", 1000),
            v.string("statistics.cache-dir"));
  }

  /**
   * Reads {@value #PATH} from an effective config (the user's layers over every {@code
   * reference.conf}).
   *
   * @throws ConfigurationException naming the key path, the value and what is allowed
   */
  public static AugmentSettings from(Config config) {
    if (!config.hasPath(PATH)) {
      throw new ConfigurationException(
          PATH, "missing: the augment module's reference.conf is not on the class path");
    }
    Config block = config.getConfig(PATH);
    rejectUnknownKeys(block);
    return new AugmentSettings(new ConfigValues(block, PATH));
  }

  /**
   * A misspelt key would otherwise be ignored and its default used without a word. (The injector's
   * validator checks the whole tree too; this keeps the check when the settings are built alone.)
   */
  private static void rejectUnknownKeys(Config block) {
    Config reference = ConfigFactory.defaultReference().getConfig(PATH);
    for (String key : block.entrySet().stream().map(Map.Entry::getKey).sorted().toList()) {
      if (reference.hasPath(key)) {
        continue;
      }
      List<String> parts = ConfigUtil.splitPath(key);
      String parent =
          parts.size() == 1 ? "" : ConfigUtil.joinPath(parts.subList(0, parts.size() - 1));
      Set<String> allowed = keysUnder(reference, parent);
      throw new ConfigurationException(
          PATH + "." + key,
          allowed.isEmpty()
              ? "unknown key"
              : "unknown key (allowed under "
                  + PATH
                  + (parent.isEmpty() ? "" : "." + parent)
                  + ": "
                  + String.join(", ", allowed)
                  + ")");
    }
  }

  private static Set<String> keysUnder(Config reference, String parent) {
    if (parent.isEmpty()) {
      return new TreeSet<>(reference.root().keySet());
    }
    if (reference.hasPath(parent) && reference.getValue(parent) instanceof ConfigObject o) {
      return new TreeSet<>(o.keySet());
    }
    return Set.of();
  }

  private static PreprocessSettings readPreprocess(ConfigValues v) {
    int shorterSide = v.nonNegative("preprocess.shorter-side");
    int centerSize = v.positive("preprocess.center-size");
    int cropSize = v.positive("preprocess.crop-size");
    if (shorterSide > 0 && centerSize > shorterSide) {
      throw new ConfigurationException(
          v.path("preprocess.center-size"),
          "must be at most preprocess.shorter-side ("
              + shorterSide
              + "), got "
              + centerSize
              + ": the central square is cut from the rescaled image");
    }
    if (cropSize > centerSize) {
      throw new ConfigurationException(
          v.path("preprocess.crop-size"),
          "must be at most preprocess.center-size (" + centerSize + "), got " + cropSize);
    }
    MeanMode mean =
        Choices.parse(MeanMode.class, v.string("preprocess.mean"), v.path("preprocess.mean"));
    return new PreprocessSettings(shorterSide, centerSize, cropSize, mean);
  }

  private static int atLeast(ConfigValues v, String key, int min) {
    int value = v.integer(key);
    if (value < min) {
      throw new ConfigurationException(v.path(key), "must be at least " + min + ", got " + value);
    }
    return value;
  }

  private static double nonNegativeNumber(ConfigValues v, String key) {
    double value = v.number(key);
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new ConfigurationException(v.path(key), "must be a finite number >= 0, got " + value);
    }
    return value;
  }

  /** Decoding threads per loader. */
  public int workers() {
    return workers;
  }

  /** Batches prepared ahead of the consumer. */
  public int prefetchBatches() {
    return prefetchBatches;
  }

  /** Seed of the epoch order and of every per-sample draw. */
  public long seed() {
    return seed;
  }

  public PreprocessSettings preprocess() {
    return preprocess;
  }

  public TrainSettings train() {
    return train;
  }

  public EvalViews evalViews() {
    return evalViews;
  }

  public StatisticsSettings statistics() {
    return statistics;
  }

  /** A copy with another worker count, for benchmarks and tests that compare worker counts. */
  public AugmentSettings withWorkers(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    return new AugmentSettings(this, workers);
  }

  private AugmentSettings(AugmentSettings other, int workers) {
    this.workers = workers;
    this.prefetchBatches = other.prefetchBatches;
    this.seed = other.seed;
    this.preprocess = other.preprocess;
    this.train = other.train;
    this.evalViews = other.evalViews;
    this.statistics = other.statistics;
  }

  @Override
  public String toString() {
    return "AugmentSettings{workers="
        + workers
        + ", prefetchBatches="
        + prefetchBatches
        + ", seed="
        + seed
        + ", "
        + preprocess
        + ", "
        + train
        + ", evalViews="
        + evalViews
        + ", "
        + statistics
        + "}";
  }
}
