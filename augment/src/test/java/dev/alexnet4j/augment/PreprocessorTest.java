package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  private static Preprocessor pre(int shorterSide, int size) {
    return new Preprocessor(new PreprocessSettings(shorterSide, size, size, MeanMode.NONE));
  }

  @Test
  void shrinkingAveragesAreasInsteadOfPickingPixels() throws IOException {
    RgbImage checker = RgbImage.allocate(4, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          checker.set(x, y, c, (x + y) % 2 == 0 ? 200 : 0);
        }
      }
    }
    PlanarImage out = pre(2, 2).apply(checker);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 2; x++) {
        assertEquals(100, out.get(x, y, 0), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void nonIntegerShrinkWeighsPartialPixels() throws IOException {
    // 3 columns 0, 90, 180 to 2: output 0 covers [0, 1.5) -> (0 + 0.5 * 90) / 1.5 = 30.
    RgbImage row = RgbImage.allocate(3, 3);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        row.set(x, y, 0, 90 * x);
      }
    }
    PlanarImage out = pre(2, 2).apply(row);
    assertEquals(30, out.get(0, 0, 0));
    assertEquals(150, out.get(1, 0, 0));
  }

  @Test
  void enlargingInterpolatesBilinearly() throws IOException {
    RgbImage small = RgbImage.allocate(2, 2);
    for (int y = 0; y < 2; y++) {
      small.set(1, y, 0, 100);
    }
    PlanarImage out = pre(4, 4).apply(small);
    int[] expect = {0, 25, 75, 100};
    for (int x = 0; x < 4; x++) {
      assertEquals(expect[x], out.get(x, 2, 0), "column " + x);
    }
  }

  @Test
  void shorterSideIsScaledAndTheCentralSquareCut() throws IOException {
    // 8x4 with red = 10 * x: scaled to 4x2, the centre 2x2 keeps scaled columns 1 and 2, which
    // average source columns 2-3 (25) and 4-5 (45).
    RgbImage wide = RgbImage.allocate(8, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 8; x++) {
        wide.set(x, y, 0, 10 * x);
        wide.set(x, y, 1, 40);
      }
    }
    PlanarImage out = pre(2, 2).apply(wide);
    assertEquals(2, out.width());
    assertEquals(2, out.height());
    assertEquals(25, out.get(0, 1, 0));
    assertEquals(45, out.get(1, 1, 0));
    assertEquals(40, out.get(1, 0, 1));
  }

  @Test
  void photoSizedImageComesOutAsTheSquareAndKeepsAFlatColour() throws IOException {
    RgbImage flat = ImageDecoder.toRgb(TestImages.solid(500, 375, 0x336699));
    PlanarImage out =
        new Preprocessor(new PreprocessSettings(256, 256, 227, MeanMode.NONE)).apply(flat);
    assertEquals(256, out.width());
    assertEquals(256, out.height());
    for (int i = 0; i < 256; i += 17) {
      assertEquals(0x33, out.get(i, 255 - i, 0));
      assertEquals(0x66, out.get(i, 255 - i, 1));
      assertEquals(0x99, out.get(i, 255 - i, 2));
    }
  }

  @Test
  void anySizeUpOrDownComesOutAsAFlatSquare() throws IOException {
    java.util.Random random = new java.util.Random(11);
    Preprocessor pre = pre(16, 16);
    for (int trial = 0; trial < 60; trial++) {
      int w = 1 + random.nextInt(90);
      int h = 1 + random.nextInt(90);
      RgbImage flat = RgbImage.allocate(w, h);
      for (int i = 0; i < w * h; i++) {
        flat.pixels()[3 * i] = (byte) 201;
        flat.pixels()[3 * i + 1] = (byte) 7;
        flat.pixels()[3 * i + 2] = (byte) 99;
      }
      PlanarImage out = pre.apply(flat);
      for (int y = 0; y < 16; y += 5) {
        for (int x = 0; x < 16; x += 3) {
          assertEquals(201, out.get(x, y, 0), w + "x" + h + " at " + x + "," + y);
          assertEquals(7, out.get(x, y, 1));
          assertEquals(99, out.get(x, y, 2));
        }
      }
    }
  }

  @Test
  void withoutRescalingTheSquareIsCutAndSmallImagesRefused() throws IOException {
    RgbImage image = TestImages.positions(6);
    PlanarImage out = pre(0, 4).apply(image);
    assertEquals(1, out.get(0, 0, 0));
    assertEquals(4, out.get(3, 3, 1));
    PlanarImage same = pre(0, 6).apply(image);
    assertEquals(5, same.get(5, 0, 0));
    assertEquals(100 + 5 + 2, same.get(5, 2, 2));
    IOException e = assertThrows(IOException.class, () -> pre(0, 8).apply(image));
    assertTrue(
        e.getMessage().contains("6x6, smaller than preprocess.center-size 8"), e.getMessage());
  }
}
