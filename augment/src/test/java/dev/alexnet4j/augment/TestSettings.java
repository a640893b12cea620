package dev.alexnet4j.augment;

import com.typesafe.config.ConfigFactory;

/** Settings from the shipped reference.conf with HOCON overrides, as an application would get. */
final class TestSettings {
  private TestSettings() {}

  static AugmentSettings with(String overrides) {
    return AugmentSettings.from(
        ConfigFactory.parseString(overrides)
            .atPath(AugmentSettings.PATH)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  /** Small images, so tests run fast: 16x16 squares, 12x12 patches. */
  static AugmentSettings small(String overrides) {
    return with(
        "preprocess { shorter-side = 16, center-size = 16, crop-size = 12 }\n"
            + "statistics.pca-pixels = 1000\n"
            + overrides);
  }
}
