package dev.alexnet4j.cli.monitor;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's history as PNG charts in {@code <runDir>/charts/} after every epoch (and when the
 * run ends, for the steps of an unfinished epoch):
 *
 * <ul>
 *   <li>{@code loss.png}: training loss per step and its moving average, training and validation
 *       loss per epoch, against the step;
 *   <li>{@code error.png}: top-1 and top-5 error in %, training and validation, against the epoch
 *       (numbered from 0, as the trainer and the console number them);
 *   <li>{@code learning-rate.png}: the learning rate per step, on a log axis;
 *   <li>{@code throughput.png}: images per second per step and its moving average.
 * </ul>
 *
 * <p>The history is kept in memory and, for a resumed run, seeded from the run's {@link MetricsLog}
 * when the listener is made, so the charts always show the whole run. When the log repeats steps or
 * epochs (a run resumed from a checkpoint older than its last logged step), the later records
 * replace the earlier ones from that point on. Step series longer than {@value #MAX_POINTS} points
 * are drawn as means of equal buckets of steps (the legend says so), which keeps a 90-epoch
 * ImageNet run (~900k steps) quick to draw.
 *
 * <p>Points that are not finite are left out; a chart with no point is not written. Each PNG is
 * written to a temporary file and renamed over the old one, so a viewer never reads half a file.
 * Sets {@code java.awt.headless=true} unless the property is already set, before any AWT class
 * loads, so it draws on machines without a display. Not thread-safe: the trainer calls listeners
 * from its one thread.
 */
public final class TrainingCharts implements TrainingListener {
  static {
    // Must run before the first AWT class initializes; it is the first statement of this class.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The charts' folder inside a run directory. */
  public static final String DIRECTORY = "charts";

  public static final String LOSS = "loss.png";
  public static final String ERROR = "error.png";
  public static final String LEARNING_RATE = "learning-rate.png";
  public static final String THROUGHPUT = "throughput.png";

  /** The most points a step series is drawn with. */
  static final int MAX_POINTS = 1000; // about a point per pixel; drawing time grows fast beyond

  private static final int WIDTH = 1100;
  private static final int HEIGHT = 650;
  private static final String TEMP_SUFFIX = ".tmp";

  private static final Color BLUE = new Color(31, 119, 180);
  private static final Color LIGHT_BLUE = new Color(174, 199, 232);
  private static final Color ORANGE = new Color(255, 127, 14);
  private static final Color GREEN = new Color(44, 160, 44);
  private static final Color RED = new Color(214, 39, 40);
  private static final Color PURPLE = new Color(148, 103, 189);

  private final Path directory;
  private final StepHistory steps = new StepHistory();
  private final List<EpochReport> epochs = new ArrayList<>();

  /**
   * Charts for the run in {@code runDir}; reads {@code runDir/metrics.jsonl} first when it exists,
   * so a resumed run's charts start from its whole history. Leftover temporary files of an
   * interrupted earlier drawing are deleted. Nothing is drawn until the first epoch ends (or {@link
   * #redraw()} is called).
   */
  public TrainingCharts(Path runDir) throws IOException {
    this.directory = runDir.resolve(DIRECTORY);
    Path log = MetricsLog.file(runDir);
    if (Files.isRegularFile(log)) {
      MetricsLog.History history = MetricsLog.read(log);
      history.steps().forEach(this::addStep);
      history.epochs().forEach(this::addEpoch);
    }
    if (Files.isDirectory(directory)) {
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
        for (Path p : stale) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Where the charts are written. */
  public Path directory() {
    return directory;
  }

  /** Steps held, after replacing repeated ones. */
  public int stepCount() {
    return steps.size;
  }

  /** Epochs held, after replacing repeated ones. */
  public int epochCount() {
    return epochs.size();
  }

  @Override
  public void stepEnded(StepReport report) {
    addStep(report);
  }

  @Override
  public void epochEnded(EpochReport report) {
    addEpoch(report);
    redraw();
  }

  @Override
  public void runEnded(String reason) {
    redraw();
  }

  private void addStep(StepReport r) {
    steps.add(r);
  }

  private void addEpoch(EpochReport r) {
    epochs.removeIf(e -> e.epoch() >= r.epoch());
    epochs.add(r);
  }

  /**
   * Draws every chart that has at least one point.
   *
   * @return the files written
   * @throws UncheckedIOException naming the file that could not be written
   */
  public List<Path> redraw() {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, XYChart> c : charts().entrySet()) {
      Path target = directory.resolve(c.getKey());
      save(c.getValue(), target);
      written.add(target);
    }
    return written;
  }

  /** The charts that have at least one point, by file name. */
  Map<String, XYChart> charts() {
    Map<String, XYChart> charts = new LinkedHashMap<>();
    putIfDrawn(charts, LOSS, lossChart());
    putIfDrawn(charts, ERROR, errorChart());
    putIfDrawn(charts, LEARNING_RATE, learningRateChart());
    putIfDrawn(charts, THROUGHPUT, throughputChart());
    return charts;
  }

  private static void putIfDrawn(Map<String, XYChart> charts, String file, XYChart chart) {
    if (chart != null) {
      charts.put(file, chart);
    }
  }

  private XYChart lossChart() {
    XYChart chart = newChart("Loss (cross-entropy)", "step", "loss");
    Points loss = steps.points(r -> r.loss);
    addStepSeries(chart, "training", loss, LIGHT_BLUE);
    addMovingAverage(chart, "training", loss, BLUE);
    addEpochSeries(
        chart, "training, epoch mean", e -> e.step(), EpochReport::trainLoss, ORANGE, true);
    addEpochSeries(
        chart, "validation, after epoch", e -> e.step(), EpochReport::validationLoss, GREEN, false);
    roundStepTicks(chart);
    return chart.getSeriesMap().isEmpty() ? null : chart;
  }

  private XYChart errorChart() {
    XYChart chart = newChart("Top-1 and top-5 error per epoch", "epoch", "error (%)");
    chart.getStyler().setYAxisMin(0.0);
    ToDoubleFunction<EpochReport> x = EpochReport::epoch;
    addEpochSeries(chart, "training top-1", x, e -> 100 * e.trainTop1Error(), BLUE, true);
    addEpochSeries(chart, "validation top-1", x, e -> 100 * e.validationTop1Error(), BLUE, false);
    addEpochSeries(chart, "training top-5", x, e -> 100 * e.trainTop5Error(), RED, true);
    addEpochSeries(chart, "validation top-5", x, e -> 100 * e.validationTop5Error(), RED, false);
    return chart.getSeriesMap().isEmpty() ? null : chart;
  }

  private XYChart learningRateChart() {
    XYChart chart = newChart("Learning rate", "step", "learning rate (log scale)");
    Points rate = steps.points(r -> r.lr).positive();
    if (rate.size == 0) {
      return null;
    }
    chart.getStyler().setYAxisLogarithmic(true);
    // The rate is piecewise constant: sample it rather than average across its drops.
    add(chart, "learning rate", rate.sampled(MAX_POINTS), PURPLE, 2f, false);
    roundStepTicks(chart);
    return chart;
  }

  private XYChart throughputChart() {
    XYChart chart = newChart("Training throughput (data wait included)", "step", "images/s");
    chart.getStyler().setYAxisMin(0.0);
    Points speed = steps.points(r -> r.imagesPerSecond);
    addStepSeries(chart, "training", speed, LIGHT_BLUE);
    addMovingAverage(chart, "training", speed, BLUE);
    roundStepTicks(chart);
    return chart.getSeriesMap().isEmpty() ? null : chart;
  }

  private static XYChart newChart(String title, String xTitle, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(LegendLayout.Horizontal);
    chart.getStyler().setMarkerSize(6);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    chart.getStyler().setPlotBorderVisible(false);
    return chart;
  }

  /**
   * Gives a step chart round tick labels (0, 500, 1,000 rather than 0, 210, 420). XChart 3.8 puts
   * ticks only at data x values when all of them are equally spaced, as steps are; one off-grid
   * value in a hidden, disabled series makes it fall back to its usual round ticks.
   */
  private static void roundStepTicks(XYChart chart) {
    XYSeries first = chart.getSeriesMap().values().stream().findFirst().orElse(null);
    if (first == null || first.getXData().length < 2) {
      return;
    }
    double x = first.getXData()[0] + 0.5;
    XYSeries hidden = chart.addSeries(" ", new double[] {x}, new double[] {first.getYData()[0]});
    hidden.setEnabled(false);
    hidden.setShowInLegend(false);
  }

  private static void addStepSeries(XYChart chart, String name, Points p, Color color) {
    if (p.size == 0) {
      return;
    }
    int bucket = p.bucketFor(MAX_POINTS);
    String label = name + (bucket == 1 ? ", per step" : ", mean of each " + bucket + " steps");
    add(chart, label, p.bucketMeans(bucket), color, 1f, false);
  }

  private static void addMovingAverage(XYChart chart, String prefix, Points p, Color color) {
    int window = movingAverageWindow(p.size);
    if (window < 2) {
      return;
    }
    String name = prefix + ", moving average of " + window + " steps";
    Points smooth = p.movingAverage(window);
    add(chart, name, smooth.bucketMeans(smooth.bucketFor(MAX_POINTS)), color, 2f, false);
  }

  /** About 1/25 of the run, at most 1000 steps: smooth enough to read, short enough to follow. */
  static int movingAverageWindow(int points) {
    return Math.max(1, Math.min(1000, points / 25));
  }

  private void addEpochSeries(
      XYChart chart,
      String name,
      ToDoubleFunction<EpochReport> x,
      ToDoubleFunction<EpochReport> y,
      Color color,
      boolean dashed) {
    Points p = new Points(epochs.size());
    for (EpochReport e : epochs) {
      p.add(x.applyAsDouble(e), y.applyAsDouble(e));
    }
    XYSeries series = add(chart, name, p, color, 2f, dashed);
    if (series != null) {
      series.setMarker(SeriesMarkers.CIRCLE);
    }
  }

  /** Adds the series unless it has no point; returns it, or null. */
  private static XYSeries add(
      XYChart chart, String name, Points p, Color color, float width, boolean dashed) {
    if (p.size == 0) {
      return null;
    }
    XYSeries s = chart.addSeries(name, p.x(), p.y());
    s.setLineColor(color);
    s.setLineStyle(
        dashed
            ? new BasicStroke(
                width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
            : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    // A lone point has no line to show; a marker makes it visible.
    s.setMarker(p.size == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    s.setMarkerColor(color);
    return s;
  }

  private static void save(XYChart chart, Path target) {
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      // Not Files.createTempFile: its owner-only permissions would hide the charts from others.
      temp =
          target.resolveSibling(
              target.getFileName() + "." + ProcessHandle.current().pid() + TEMP_SUFFIX);
      try (OutputStream out =
          new BufferedOutputStream(
              Files.newOutputStream(
                  temp,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE))) {
        BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the chart " + target, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The write already failed and is being reported; a stale temp file is removed later.
        }
      }
    }
  }

  /** The per-step columns, as primitive arrays: a long run has close to a million steps. */
  private static final class StepHistory {
    private long[] step = new long[1024];
    private double[] loss = new double[1024];
    private double[] lr = new double[1024];
    private double[] imagesPerSecond = new double[1024];
    private int size;

    void add(StepReport r) {
      if (size > 0 && r.step() <= step[size - 1]) {
        // A resumed run repeats steps logged after its checkpoint: keep the newer ones.
        int at = Arrays.binarySearch(step, 0, size, r.step());
        size = at >= 0 ? at : -at - 1;
      }
      if (size == step.length) {
        int n = size * 2;
        step = Arrays.copyOf(step, n);
        loss = Arrays.copyOf(loss, n);
        lr = Arrays.copyOf(lr, n);
        imagesPerSecond = Arrays.copyOf(imagesPerSecond, n);
      }
      step[size] = r.step();
      loss[size] = r.loss();
      lr[size] = r.learningRate();
      imagesPerSecond[size] = r.imagesPerSecond();
      size++;
    }

    /** One column against the step, finite points only. */
    Points points(ToDoubleFunction<Row> column) {
      Points p = new Points(size);
      Row row = new Row();
      for (int i = 0; i < size; i++) {
        row.loss = loss[i];
        row.lr = lr[i];
        row.imagesPerSecond = imagesPerSecond[i];
        p.add(step[i], column.applyAsDouble(row));
      }
      return p;
    }
  }

  /** A reused view of one step's columns. */
  private static final class Row {
    double loss;
    double lr;
    double imagesPerSecond;
  }

  /** (x, y) pairs with finite y, in x order. */
  static final class Points {
    private double[] xs;
    private double[] ys;
    private int size;

    Points(int capacity) {
      xs = new double[Math.max(1, capacity)];
      ys = new double[Math.max(1, capacity)];
    }

    /** Adds the point unless x or y is not finite. */
    void add(double x, double y) {
      if (!Double.isFinite(x) || !Double.isFinite(y)) {
        return;
      }
      if (size == xs.length) {
        xs = Arrays.copyOf(xs, size * 2);
        ys = Arrays.copyOf(ys, size * 2);
      }
      xs[size] = x;
      ys[size] = y;
      size++;
    }

    int size() {
      return size;
    }

    double[] x() {
      return Arrays.copyOf(xs, size);
    }

    double[] y() {
      return Arrays.copyOf(ys, size);
    }

    Points positive() {
      Points p = new Points(size);
      for (int i = 0; i < size; i++) {
        if (ys[i] > 0) {
          p.add(xs[i], ys[i]);
        }
      }
      return p;
    }

    /** The bucket size that brings the series down to at most {@code max} points. */
    int bucketFor(int max) {
      return Math.max(1, (size + max - 1) / max);
    }

    /**
     * The mean y over consecutive buckets of {@code bucket} points, each at its bucket's first x (a
     * round step such as 0 keeps the axis' tick labels round).
     */
    Points bucketMeans(int bucket) {
      if (bucket <= 1) {
        return this;
      }
      Points p = new Points(size / bucket + 1);
      for (int start = 0; start < size; start += bucket) {
        int end = Math.min(size, start + bucket);
        double sum = 0;
        for (int i = start; i < end; i++) {
          sum += ys[i];
        }
        p.add(xs[start], sum / (end - start));
      }
      return p;
    }

    /** Every n-th point and the last one, so that at most about {@code max} points remain. */
    Points sampled(int max) {
      int every = bucketFor(max);
      if (every <= 1) {
        return this;
      }
      Points p = new Points(size / every + 2);
      for (int i = 0; i < size; i += every) {
        p.add(xs[i], ys[i]);
      }
      if ((size - 1) % every != 0) {
        p.add(xs[size - 1], ys[size - 1]);
      }
      return p;
    }

    /**
     * The trailing mean over {@code window} points; the first points average what there is so far,
     * so the line starts with the run.
     */
    Points movingAverage(int window) {
      Points p = new Points(size);
      double sum = 0;
      for (int i = 0; i < size; i++) {
        sum += ys[i];
        if (i >= window) {
          sum -= ys[i - window];
        }
        p.add(xs[i], sum / Math.min(i + 1, window));
      }
      return p;
    }
  }
}
