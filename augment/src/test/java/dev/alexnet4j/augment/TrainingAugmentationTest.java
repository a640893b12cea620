package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingAugmentationTest {
  private static final int SIZE = 16;
  private static final int CROP = 12;
  private static final PreprocessSettings PRE =
      new PreprocessSettings(SIZE, SIZE, CROP, MeanMode.NONE);

  private static TrainingAugmentation augmentation(TrainSettings train) {
    return new TrainingAugmentation(42, PRE, train, StatisticsTest.zeroStatistics(SIZE));
  }

  @Test
  void cropPositionsCoverEveryOffsetEvenlyAndMirrorIsHalfTheTime() {
    TrainingAugmentation aug = augmentation(new TrainSettings(true, true, true, false, 0.1));
    int positions = SIZE - CROP + 1;
    int[][] counts = new int[positions][positions];
    int mirrored = 0;
    int n = 25_000;
    for (int i = 0; i < n; i++) {
      CropView v = aug.draw(3, i).view();
      counts[v.x()][v.y()]++;
      mirrored += v.mirror() ? 1 : 0;
    }
    double expected = (double) n / (positions * positions);
    for (int x = 0; x < positions; x++) {
      for (int y = 0; y < positions; y++) {
        // Binomial spread is about sqrt(1000) = 32; 5 sigma.
        assertEquals(expected, counts[x][y], 5 * Math.sqrt(expected), "offset " + x + "," + y);
      }
    }
    assertEquals(0.5, (double) mirrored / n, 5 * 0.5 / Math.sqrt(n));
  }

  @Test
  void drawsDependOnSeedEpochAndIndexOnly() {
    TrainingAugmentation a = augmentation(new TrainSettings(true, true, true, true, 0.1));
    TrainingAugmentation b = augmentation(new TrainSettings(true, true, true, true, 0.1));
    assertEquals(a.draw(2, 17).view(), b.draw(2, 17).view());
    assertArrayEquals(a.draw(2, 17).z(), b.draw(2, 17).z(), 0);
    int differ = 0;
    for (int i = 0; i < 50; i++) {
      differ += a.draw(2, i).view().equals(a.draw(3, i).view()) ? 0 : 1;
    }
    assertTrue(differ > 30, "a new epoch draws new crops for most images, got " + differ);
  }

  @Test
  void switchedOffAugmentationsGiveTheCentrePatchUnmirroredWithoutNoise() {
    TrainingAugmentation off = augmentation(new TrainSettings(true, false, false, false, 0.1));
    for (int i = 0; i < 100; i++) {
      assertEquals(CropView.center(SIZE, CROP), off.draw(0, i).view());
    }
    PlanarImage grey = PlanarImage.allocate(SIZE, SIZE);
    java.util.Arrays.fill(grey.pixels(), (byte) 77);
    float[] out = new float[3 * CROP * CROP];
    off.render(grey, 0, 5, out, 0);
    for (float v : out) {
      assertEquals(77, v, 0);
    }
  }

  @Test
  void mirrorOnlyKeepsTheCentreAndRandomCropOnlyNeverMirrors() {
    TrainingAugmentation mirrorOnly = augmentation(new TrainSettings(true, false, true, false, 0));
    TrainingAugmentation cropOnly = augmentation(new TrainSettings(true, true, false, false, 0));
    boolean anyMirror = false;
    for (int i = 0; i < 100; i++) {
      CropView m = mirrorOnly.draw(0, i).view();
      assertEquals(CropView.center(SIZE, CROP).x(), m.x());
      anyMirror |= m.mirror();
      assertFalse(cropOnly.draw(0, i).view().mirror());
    }
    assertTrue(anyMirror);
  }
}
