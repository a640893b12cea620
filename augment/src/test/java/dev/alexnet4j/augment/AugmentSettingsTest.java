package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.config.ConfigurationException;
import org.junit.jupiter.api.Test;

class AugmentSettingsTest {
  @Test
  void referenceGivesThePapersPipeline() {
    AugmentSettings s = AugmentSettings.from(ConfigFactory.defaultReference());
    assertEquals(256, s.preprocess().shorterSide());
    assertEquals(256, s.preprocess().centerSize());
    assertEquals(227, s.preprocess().cropSize());
    assertEquals(MeanMode.PER_CHANNEL, s.preprocess().mean());
    assertTrue(s.train().shuffle() && s.train().randomCrop() && s.train().mirror());
    assertTrue(s.train().fancyPca());
    assertEquals(0.1, s.train().pcaSigma());
    assertEquals(EvalViews.TEN, s.evalViews());
    assertEquals("", s.statistics().cacheDir());
  }

  @Test
  void overridesAreRead() {
    AugmentSettings s =
        TestSettings.with(
            "workers = 3, preprocess { shorter-side = 0, center-size = 28, crop-size = 24,"
                + " mean = per-pixel }, train.mirror = false, eval.views = center");
    assertEquals(3, s.workers());
    assertEquals(0, s.preprocess().shorterSide());
    assertEquals(MeanMode.PER_PIXEL, s.preprocess().mean());
    assertFalse(s.train().mirror());
    assertEquals(EvalViews.CENTER, s.evalViews());
  }

  @Test
  void unknownChoiceNamesTheKeyAndTheAllowedValues() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> TestSettings.with("preprocess.mean = average"));
    assertEquals("alexnet4j.augment.preprocess.mean", e.path());
    assertTrue(e.getMessage().contains("[per-channel, per-pixel, none]"), e.getMessage());
  }

  @Test
  void misspeltKeyIsRejectedWithTheKeysAllowedThere() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> TestSettings.with("train.fancy-pca.sgima = 0.2"));
    assertEquals("alexnet4j.augment.train.fancy-pca.sgima", e.path());
    assertTrue(e.getMessage().contains("enabled, sigma"), e.getMessage());
    ConfigurationException top =
        assertThrows(ConfigurationException.class, () -> TestSettings.with("worker = 2"));
    assertTrue(top.getMessage().contains("prefetch-batches"), top.getMessage());
  }

  @Test
  void cropLargerThanTheSquareIsRejected() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> TestSettings.with("preprocess.crop-size = 300"));
    assertEquals("alexnet4j.augment.preprocess.crop-size", e.path());
    assertTrue(e.getMessage().contains("at most preprocess.center-size (256)"), e.getMessage());
  }

  @Test
  void squareLargerThanTheRescaledSideIsRejected() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> TestSettings.with("preprocess { shorter-side = 200, crop-size = 100 }"));
    assertEquals("alexnet4j.augment.preprocess.center-size", e.path());
  }

  @Test
  void rangesAndTypesAreChecked() {
    assertEquals(
        "alexnet4j.augment.workers",
        assertThrows(ConfigurationException.class, () -> TestSettings.with("workers = 0")).path());
    assertEquals(
        "alexnet4j.augment.train.fancy-pca.sigma",
        assertThrows(
                ConfigurationException.class,
                () -> TestSettings.with("train.fancy-pca.sigma = -0.1"))
            .path());
    assertEquals(
        "alexnet4j.augment.train.mirror",
        assertThrows(ConfigurationException.class, () -> TestSettings.with("train.mirror = often"))
            .path());
  }
}
