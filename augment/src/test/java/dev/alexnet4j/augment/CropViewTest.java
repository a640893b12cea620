package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CropViewTest {
  @Test
  void tenViewsAreTheCornersAndCentreThenTheirMirrors() {
    List<CropView> views = CropView.ten(256, 227);
    assertEquals(
        List.of(
            new CropView(14, 14, false),
            new CropView(0, 0, false),
            new CropView(29, 0, false),
            new CropView(0, 29, false),
            new CropView(29, 29, false),
            new CropView(14, 14, true),
            new CropView(0, 0, true),
            new CropView(29, 0, true),
            new CropView(0, 29, true),
            new CropView(29, 29, true)),
        views);
    assertEquals(10, new HashSet<>(views).size());
  }

  @Test
  void evaluationDeliversTheTenViewsAsConsecutiveRows() {
    int size = 5;
    int crop = 3;
    PreprocessSettings pre = new PreprocessSettings(0, size, crop, MeanMode.NONE);
    DatasetStatistics stats = StatisticsTest.zeroStatistics(size);
    EvaluationViews ten = new EvaluationViews(EvalViews.TEN, pre, stats);
    PlanarImage image = TestImages.planarPositions(size);
    float[] rows = new float[10 * 27];
    ten.render(image, 0, 0, rows, 0);
    // Red = x: first value of each row's red plane, and its last of the first line.
    float[][] expectRedFirstLine = {
      {1, 2, 3}, {0, 1, 2}, {2, 3, 4}, {0, 1, 2}, {2, 3, 4},
      {3, 2, 1}, {2, 1, 0}, {4, 3, 2}, {2, 1, 0}, {4, 3, 2}
    };
    float[] expectGreenTop = {1, 0, 0, 2, 2, 1, 0, 0, 2, 2};
    for (int v = 0; v < 10; v++) {
      int at = v * 27;
      assertArrayEquals(
          expectRedFirstLine[v],
          new float[] {rows[at], rows[at + 1], rows[at + 2]},
          0,
          "view " + v);
      assertEquals(expectGreenTop[v], rows[at + 9], 0, "view " + v + " top row");
    }
    EvaluationViews centre = new EvaluationViews(EvalViews.CENTER, pre, stats);
    assertEquals(1, centre.rowsPerImage());
    float[] one = new float[27];
    centre.render(image, 0, 0, one, 0);
    assertArrayEquals(new float[] {1, 2, 3}, new float[] {one[0], one[1], one[2]}, 0);
  }
}
