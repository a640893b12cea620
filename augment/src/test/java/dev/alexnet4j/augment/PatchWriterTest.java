package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PatchWriterTest {
  private static final int SIZE = 6;
  private static final int CROP = 3;
  private final PlanarImage image = TestImages.planarPositions(SIZE);

  @Test
  void cropTakesThePatchAtItsCornerInPlanarOrder() {
    float[] out = write(new CropView(2, 1, false), new float[3 * SIZE * SIZE], null);
    // Red holds x, green holds y: the patch at (2, 1) spans x 2..4, y 1..3.
    assertArrayEquals(new float[] {2, 3, 4, 2, 3, 4, 2, 3, 4}, plane(out, 0), 0);
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3}, plane(out, 1), 0);
    assertEquals(100 + 2 + 1, plane(out, 2)[0], 0);
  }

  @Test
  void mirrorReversesEachRow() {
    float[] out = write(new CropView(2, 1, true), new float[3 * SIZE * SIZE], null);
    assertArrayEquals(new float[] {4, 3, 2, 4, 3, 2, 4, 3, 2}, plane(out, 0), 0);
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3}, plane(out, 1), 0);
  }

  @Test
  void corners() {
    int far = SIZE - CROP;
    assertEquals(0, plane(write(new CropView(0, 0, false), zeros(), null), 0)[0], 0);
    float[] br = write(new CropView(far, far, false), zeros(), null);
    assertEquals(SIZE - 1, plane(br, 0)[CROP * CROP - 1], 0);
    assertEquals(SIZE - 1, plane(br, 1)[CROP * CROP - 1], 0);
  }

  @Test
  void meanIsSubtractedAtTheSourcePositionAndOffsetAdded() {
    float[] mean = zeros();
    // Mean image red plane = 10 * x, so red - mean = x - 10x = -9x at the source column.
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        mean[y * SIZE + x] = 10 * x;
      }
    }
    float[] offset = {0.5f, -2f, 3f};
    float[] plain = write(new CropView(1, 0, false), mean, offset);
    assertArrayEquals(new float[] {-9 + 0.5f, -18 + 0.5f, -27 + 0.5f}, head(plane(plain, 0)), 0);
    assertEquals(0 - 2f, plane(plain, 1)[0], 0);
    float[] mirrored = write(new CropView(1, 0, true), mean, offset);
    assertArrayEquals(new float[] {-27 + 0.5f, -18 + 0.5f, -9 + 0.5f}, head(plane(mirrored, 0)), 0);
  }

  @Test
  void patchOutsideTheImageIsRejected() {
    PatchWriter writer = new PatchWriter(SIZE, CROP, zeros());
    assertThrows(
        IllegalArgumentException.class,
        () -> writer.write(image, new CropView(4, 0, false), null, new float[27], 0));
  }

  private float[] write(CropView view, float[] mean, float[] offset) {
    PatchWriter writer = new PatchWriter(SIZE, CROP, mean);
    float[] out = new float[writer.patchSize() + 5];
    writer.write(image, view, offset, out, 5);
    float[] patch = new float[writer.patchSize()];
    System.arraycopy(out, 5, patch, 0, patch.length);
    return patch;
  }

  private static float[] zeros() {
    return new float[3 * SIZE * SIZE];
  }

  private static float[] plane(float[] patch, int c) {
    float[] p = new float[CROP * CROP];
    System.arraycopy(patch, c * CROP * CROP, p, 0, p.length);
    return p;
  }

  private static float[] head(float[] plane) {
    return new float[] {plane[0], plane[1], plane[2]};
  }
}
