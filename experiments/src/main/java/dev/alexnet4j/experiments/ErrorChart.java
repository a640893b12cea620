package dev.alexnet4j.experiments;

import dev.alexnet4j.experiments.ExperimentResult.ArmResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code error.png}: top-1 error per epoch of every run, one colour per arm. Thin lines are the
 * training error as trained (each point a stretch of about 1/{@value
 * ExperimentRunner#CURVE_POINTS_PER_EPOCH} epoch); thick lines with markers the validation error
 * after each epoch; dashed lines, where measured, the error on a fixed part of the training set
 * with dropout off. An experiment with a training-error target (ReLU vs tanh, the paper's Figure 1)
 * draws the training curves and the target line only.
 */
public final class ErrorChart {
  static {
    // Before any AWT class initialises: draw without a display.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  public static final String FILE = "error.png";

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 600;
  private static final Color[] COLOURS = {
    new Color(31, 119, 180),
    new Color(214, 39, 40),
    new Color(44, 160, 44),
    new Color(148, 103, 189)
  };
  private static final Color GREY = new Color(120, 120, 120);

  private ErrorChart() {}

  /** Writes {@value #FILE} into {@code dir}. */
  public static Path write(ExperimentResult r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    BitmapEncoder.saveBitmap(chart(r), file.toString(), BitmapFormat.PNG);
    return file;
  }

  /** The chart, one colour per arm. */
  static XYChart chart(ExperimentResult r) {
    boolean figure1 = Double.isFinite(r.trainingErrorTarget());
    String title =
        figure1
            ? r.experiment() + ": training error as trained (" + r.section() + ")"
            : r.experiment()
                + ": top-1 error (thick: validation; thin: training as trained"
                + (hasTrainingSet(r) ? "; dashed: training set" : "")
                + ")";
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("epochs")
            .yAxisTitle("top-1 error (%)")
            .build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setDecimalPattern("#0.##");
    for (int a = 0; a < r.arms().size(); a++) {
      ArmResult arm = r.arms().get(a);
      Color colour = COLOURS[a % COLOURS.length];
      boolean legend = true;
      for (RunRecord run : arm.runs()) {
        String tag = arm.name() + " (seed " + run.seed() + ")";
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (RunRecord.CurvePoint p : run.curve()) {
          if (Double.isFinite(p.top1())) {
            x.add(p.epochs());
            y.add(100 * p.top1());
          }
        }
        if (!x.isEmpty()) {
          XYSeries s = chart.addSeries(tag + ", training", x, y);
          s.setMarker(SeriesMarkers.NONE);
          s.setLineColor(colour);
          // Explicitly solid: XChart otherwise cycles dash patterns over the series.
          s.setLineStyle(new BasicStroke(figure1 ? 1.6f : 0.7f));
          s.setShowInLegend(figure1 && legend);
          if (figure1 && legend) {
            s.setLabel(arm.name() + " (" + arm.runs().size() + " seeds)");
            legend = false;
          }
        }
        if (figure1) {
          continue;
        }
        addEpochSeries(chart, tag + ", validation", run, true, colour, legend, arm);
        if (legend) {
          legend = false;
        }
        addEpochSeries(chart, tag + ", training set", run, false, colour, false, arm);
      }
    }
    if (figure1) {
      double end =
          r.arms().stream()
              .flatMap(a -> a.runs().stream())
              .flatMap(run -> run.curve().stream())
              .mapToDouble(RunRecord.CurvePoint::epochs)
              .max()
              .orElse(1);
      XYSeries target =
          chart.addSeries(
              String.format(
                  Locale.ROOT, "target: %.0f%% training error", 100 * r.trainingErrorTarget()),
              new double[] {0, end},
              new double[] {100 * r.trainingErrorTarget(), 100 * r.trainingErrorTarget()});
      target.setMarker(SeriesMarkers.NONE);
      target.setLineColor(GREY);
      target.setLineStyle(
          new BasicStroke(
              1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
    }
    return chart;
  }

  private static void addEpochSeries(
      XYChart chart,
      String name,
      RunRecord run,
      boolean validation,
      Color colour,
      boolean legend,
      ArmResult arm) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (RunRecord.EpochRecord e : run.epochs()) {
      double v = validation ? e.validationTop1() : e.trainingSetTop1();
      if (Double.isFinite(v)) {
        x.add(e.epoch() + 1.0);
        y.add(100 * v);
      }
    }
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setLineColor(colour);
    s.setMarkerColor(colour);
    if (validation) {
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineStyle(new BasicStroke(2.2f));
    } else {
      s.setMarker(SeriesMarkers.DIAMOND);
      s.setLineStyle(
          new BasicStroke(
              1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
    }
    s.setShowInLegend(legend);
    if (legend) {
      s.setLabel(arm.name() + " (" + arm.runs().size() + " seeds)");
    }
  }

  private static boolean hasTrainingSet(ExperimentResult r) {
    return r.arms().stream()
        .flatMap(a -> a.runs().stream())
        .flatMap(run -> run.epochs().stream())
        .anyMatch(e -> Double.isFinite(e.trainingSetTop1()));
  }
}
