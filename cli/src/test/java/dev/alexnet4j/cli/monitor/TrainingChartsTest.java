package dev.alexnet4j.cli.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class TrainingChartsTest {
  private static final List<String> ALL =
      List.of(
          TrainingCharts.LOSS,
          TrainingCharts.ERROR,
          TrainingCharts.LEARNING_RATE,
          TrainingCharts.THROUGHPUT);
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir Path runDir;

  /** A falling loss and error, a stepped learning rate, a noisy throughput. */
  static void feed(TrainingListener target, int epochs, int batches) {
    long step = 0;
    for (int e = 0; e < epochs; e++) {
      float lr = e < 2 ? 0.01f : 0.001f;
      for (int b = 0; b < batches; b++, step++) {
        double loss = 6.9 * Math.exp(-step / 40.0) + 0.5 + 0.1 * Math.sin(step);
        target.stepEnded(
            new StepReport(e, step, b, batches, loss, 0.9 - 0.01 * e, 0.6, lr, 800 + step % 7));
      }
      target.epochEnded(
          new EpochReport(
              e,
              step,
              3.0 - e,
              0.8 - 0.1 * e,
              0.5 - 0.1 * e,
              3.2 - e,
              0.85 - 0.1 * e,
              0.55 - 0.1 * e,
              lr,
              790,
              0,
              12.0));
    }
  }

  static BufferedImage readPng(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertTrue(bytes.length > PNG_MAGIC.length, file + " is too short: " + bytes.length);
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length), file + " is no PNG");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertNotNull(image, file + " does not decode");
    assertTrue(image.getWidth() > 0 && image.getHeight() > 0, file + " has no pixels");
    return image;
  }

  private List<String> chartFiles() throws IOException {
    try (Stream<Path> files = Files.list(runDir.resolve(TrainingCharts.DIRECTORY))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void drawsFourPngChartsAfterEachEpoch() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    assertTrue(System.getProperty("java.awt.headless") != null);
    feed(charts, 3, 40);

    assertEquals(ALL.stream().sorted().toList(), chartFiles(), "no temp file left behind");
    for (String name : ALL) {
      BufferedImage image = readPng(runDir.resolve(TrainingCharts.DIRECTORY).resolve(name));
      assertEquals(1100, image.getWidth(), name);
      assertEquals(650, image.getHeight(), name);
      assertFalse(isBlank(image), name + " is one colour");
    }
  }

  @Test
  void redrawsWhenAnEpochEnds() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    feed(charts, 1, 20);
    Path loss = runDir.resolve(TrainingCharts.DIRECTORY).resolve(TrainingCharts.LOSS);
    byte[] afterOne = Files.readAllBytes(loss);

    for (int b = 0; b < 20; b++) {
      charts.stepEnded(new StepReport(1, 20 + b, b, 20, 0.3, 0.5, 0.2, 0.01f, 900));
    }
    assertArrayEquals(afterOne, Files.readAllBytes(loss), "steps alone do not redraw");
    charts.epochEnded(new EpochReport(1, 40, 0.3, 0.5, 0.2, 0.4, 0.6, 0.3, 0.01f, 900, 0, 1));
    assertFalse(Arrays.equals(afterOne, Files.readAllBytes(loss)), "the epoch redraws");
    readPng(loss);
  }

  @Test
  void drawsNothingWithoutDataAndSurvivesOnePointAndNaNs() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    assertEquals(List.of(), charts.redraw(), "nothing to draw yet");
    assertFalse(Files.exists(charts.directory()));

    // Only NaNs and a zero learning rate (which a log axis cannot show): still nothing.
    charts.stepEnded(
        new StepReport(0, 0, 0, 1, Double.NaN, Double.NaN, Double.NaN, 0f, Double.NaN));
    assertEquals(List.of(), charts.redraw());

    // One finite point per chart, validation NaN (no validation set).
    charts.stepEnded(new StepReport(0, 1, 0, 1, 2.0, 0.5, 0.25, 0.01f, 500));
    charts.epochEnded(
        new EpochReport(
            0, 2, 2.0, 0.5, 0.25, Double.NaN, Double.NaN, Double.NaN, 0.01f, 500, 0, 1));
    assertEquals(ALL.stream().sorted().toList(), chartFiles());
    for (String name : ALL) {
      readPng(charts.directory().resolve(name));
    }

    // Two points, one of them with every figure equal to the other (a flat line).
    charts.stepEnded(new StepReport(1, 2, 0, 1, 2.0, 0.5, 0.25, 0.01f, 500));
    charts.epochEnded(
        new EpochReport(
            1, 3, 2.0, 0.5, 0.25, Double.NaN, Double.NaN, Double.NaN, 0.01f, 500, 0, 1));
    for (String name : ALL) {
      readPng(charts.directory().resolve(name));
    }
  }

  @Test
  void startsFromTheHistoryOfAnEarlierRunInTheSameDirectory() throws IOException {
    try (MetricsLog log = new MetricsLog(runDir)) {
      for (int s = 0; s < 10; s++) {
        log.stepEnded(new StepReport(0, s, s, 10, 3.0 - 0.1 * s, 0.9, 0.6, 0.01f, 800));
      }
      log.epochEnded(new EpochReport(0, 10, 2.5, 0.9, 0.6, 2.6, 0.92, 0.65, 0.01f, 800, 0, 5));
      for (int s = 10; s < 14; s++) {
        log.stepEnded(new StepReport(1, s, s - 10, 10, 2.0, 0.8, 0.5, 0.01f, 800));
      }
      log.runEnded("killed");
    }
    // The run is resumed from the checkpoint at the end of epoch 0: steps 10..13 come again.
    try (MetricsLog log = new MetricsLog(runDir)) {
      for (int s = 10; s < 12; s++) {
        log.stepEnded(new StepReport(1, s, s - 10, 10, 1.9, 0.8, 0.5, 0.01f, 800));
      }
    }

    TrainingCharts charts = new TrainingCharts(runDir);
    assertEquals(12, charts.stepCount(), "steps 10..13 of the first try give way to 10..11");
    assertEquals(1, charts.epochCount());
    assertFalse(Files.exists(charts.directory()), "nothing drawn before an epoch ends");

    charts.stepEnded(new StepReport(1, 12, 2, 10, 1.8, 0.8, 0.5, 0.01f, 800));
    charts.epochEnded(new EpochReport(1, 13, 1.9, 0.8, 0.5, 2.0, 0.85, 0.6, 0.01f, 800, 0, 5));
    assertEquals(13, charts.stepCount());
    assertEquals(2, charts.epochCount());
    for (String name : ALL) {
      readPng(charts.directory().resolve(name));
    }
  }

  @Test
  void runEndedDrawsTheStepsOfAnUnfinishedEpoch() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    for (int s = 0; s < 5; s++) {
      charts.stepEnded(new StepReport(0, s, s, 100, 3.0, 0.9, 0.6, 0.01f, 800));
    }
    charts.runEnded("stopped at step 5 on request");
    readPng(charts.directory().resolve(TrainingCharts.LOSS));
    assertFalse(
        Files.exists(charts.directory().resolve(TrainingCharts.ERROR)), "no epoch, no error chart");
  }

  @Test
  void staleTemporaryFilesAreRemoved() throws IOException {
    Path dir = Files.createDirectories(runDir.resolve(TrainingCharts.DIRECTORY));
    Path stale = Files.writeString(dir.resolve("loss.png.123.tmp"), "half a png");
    new TrainingCharts(runDir);
    assertFalse(Files.exists(stale));
  }

  @Test
  void bucketMeansMovingAverageAndSamplingKeepTheShape() {
    TrainingCharts.Points p = new TrainingCharts.Points(4);
    for (int i = 0; i < 10; i++) {
      p.add(i, i);
    }
    p.add(10, Double.NaN);
    assertEquals(10, p.size(), "NaN is left out");

    TrainingCharts.Points buckets = p.bucketMeans(p.bucketFor(4));
    assertArrayEquals(new double[] {0, 3, 6, 9}, buckets.x());
    assertArrayEquals(new double[] {1, 4, 7, 9}, buckets.y());

    TrainingCharts.Points mean = p.movingAverage(3);
    assertArrayEquals(new double[] {0, 0.5, 1, 2, 3, 4, 5, 6, 7, 8}, mean.y(), 1e-12);

    TrainingCharts.Points sampled = p.sampled(4);
    assertArrayEquals(new double[] {0, 3, 6, 9}, sampled.x());

    assertEquals(1, TrainingCharts.movingAverageWindow(10));
    assertEquals(40, TrainingCharts.movingAverageWindow(1000));
    assertEquals(1000, TrainingCharts.movingAverageWindow(900_000));
  }

  @Test
  void aLongRunIsDrawnWithAtMostMaxPointsPerSeries() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    int steps = 25_000;
    for (int s = 0; s < steps; s++) {
      float lr = s < 20_000 ? 0.01f : 0.001f;
      charts.stepEnded(new StepReport(0, s, s, steps, 2 + Math.sin(s), 0.5, 0.2, lr, 800));
    }
    Map<String, XYChart> drawn = charts.charts();
    assertEquals(
        List.of(TrainingCharts.LOSS, TrainingCharts.LEARNING_RATE, TrainingCharts.THROUGHPUT),
        List.copyOf(drawn.keySet()),
        "no epoch yet, so no error chart");
    for (XYChart chart : drawn.values()) {
      for (XYSeries series : chart.getSeriesMap().values()) {
        assertTrue(
            series.getXData().length <= TrainingCharts.MAX_POINTS + 1,
            chart.getTitle() + " / " + series.getName() + ": " + series.getXData().length);
      }
    }
    XYSeries rate = drawn.get(TrainingCharts.LEARNING_RATE).getSeriesMap().get("learning rate");
    double[] y = rate.getYData();
    assertEquals(0.01f, (float) y[0]);
    assertEquals(0.001f, (float) y[y.length - 1], "sampling keeps the last rate");
    assertTrue(
        drawn
            .get(TrainingCharts.LOSS)
            .getSeriesMap()
            .containsKey("training, mean of each 25 steps"),
        drawn.get(TrainingCharts.LOSS).getSeriesMap().keySet().toString());
    assertTrue(
        drawn
            .get(TrainingCharts.LOSS)
            .getSeriesMap()
            .containsKey("training, moving average of 1000 steps"));
    readPng(charts.redraw().get(2));
  }

  @Test
  void chartsHaveTitlesAxisTitlesAndLegends() throws IOException {
    TrainingCharts charts = new TrainingCharts(runDir);
    feed(charts, 2, 100);
    Map<String, XYChart> drawn = charts.charts();
    assertEquals(ALL, List.copyOf(drawn.keySet()));

    XYChart loss = drawn.get(TrainingCharts.LOSS);
    assertEquals("step", loss.getXAxisTitle());
    assertEquals("loss", loss.getYAxisTitle());
    assertTrue(
        loss.getSeriesMap()
            .keySet()
            .containsAll(
                List.of(
                    "training, per step",
                    "training, moving average of 8 steps",
                    "training, epoch mean",
                    "validation, after epoch")),
        loss.getSeriesMap().keySet().toString());

    XYChart error = drawn.get(TrainingCharts.ERROR);
    assertEquals("epoch", error.getXAxisTitle());
    assertEquals("error (%)", error.getYAxisTitle());
    XYSeries valTop1 = error.getSeriesMap().get("validation top-1");
    assertArrayEquals(new double[] {0, 1}, valTop1.getXData());
    assertArrayEquals(new double[] {85, 75}, valTop1.getYData(), 1e-9, "errors drawn in %");

    XYChart rate = drawn.get(TrainingCharts.LEARNING_RATE);
    assertTrue(rate.getStyler().isYAxisLogarithmic());
    assertEquals("images/s", drawn.get(TrainingCharts.THROUGHPUT).getYAxisTitle());
    for (XYChart chart : drawn.values()) {
      assertFalse(chart.getTitle().isBlank());
      assertTrue(chart.getStyler().isLegendVisible());
    }
  }

  private static boolean isBlank(BufferedImage image) {
    int first = image.getRGB(0, 0);
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        if (image.getRGB(x, y) != first) {
          return false;
        }
      }
    }
    return true;
  }
}
