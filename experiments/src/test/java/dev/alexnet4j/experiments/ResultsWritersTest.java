package dev.alexnet4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alexnet4j.experiments.ExperimentResult.ArmResult;
import dev.alexnet4j.experiments.ExperimentResult.Row;
import dev.alexnet4j.experiments.RunRecord.CurvePoint;
import dev.alexnet4j.experiments.RunRecord.EpochRecord;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.md, results.json and error.png from a result made here, with known figures. */
class ResultsWritersTest {
  @TempDir Path dir;

  /**
   * A run whose validation error is {@code validation} after the last of {@code epochs} epochs and
   * whose training-set error is {@code trainingSet}; a curve of 4 points an epoch.
   */
  static RunRecord run(
      String arm, int seedIndex, int epochs, double validation, double trainingSet, double target) {
    List<EpochRecord> records = new ArrayList<>();
    List<CurvePoint> curve = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      double shrink = (epochs - e - 1) * 0.05;
      records.add(
          new EpochRecord(
              e,
              1.0 - e * 0.1,
              0.3,
              0.02,
              Double.NaN,
              validation + shrink,
              0.01,
              trainingSet + shrink,
              12.5));
      for (int p = 1; p <= 4; p++) {
        curve.add(new CurvePoint(e + p / 4.0, 10 * (e + p / 4.0), 0.5 - 0.05 * (4 * e + p)));
      }
    }
    return new RunRecord(
        arm,
        seedIndex,
        42 + seedIndex,
        20120 + seedIndex,
        records,
        curve,
        target,
        target * 10,
        40,
        50,
        null);
  }

  static ExperimentResult result(Experiment e, int seeds, int epochs) {
    List<RunRecord> first = new ArrayList<>();
    List<RunRecord> second = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      // the first arm overfits less (gap 0.02 vs 0.08) and trains to a higher error
      first.add(run(e.arms().get(0).name(), s, epochs, 0.12 + 0.001 * s, 0.10, 0.5 + 0.02 * s));
      second.add(run(e.arms().get(1).name(), s, epochs, 0.13 + 0.001 * s, 0.05, Double.NaN));
    }
    List<ArmResult> arms =
        List.of(
            new ArmResult(e.arms().get(0).name(), e.arms().get(0).description(), first),
            new ArmResult(e.arms().get(1).name(), e.arms().get(1).description(), second));
    List<Row> rows = ExperimentRunner.compare(e, arms);
    List<Long> seedValues = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      seedValues.add(42L + s);
    }
    return new ExperimentResult(
        e.name(),
        e.title(),
        e.section(),
        e.claim(),
        e.compared(),
        new ExperimentResult.Data(
            "/usr/share/datasets/fashion-mnist", true, 10, 1000, 60000, 200, 10000),
        epochs,
        e.trainingErrorTarget(),
        seedValues,
        "nd4j",
        arms,
        rows,
        ExperimentRunner.overall(rows),
        e.datasetNote(),
        "2026-01-01T00:00:00Z",
        321);
  }

  @Test
  void resultsJsonHoldsEveryArmSeedAndEpochAndNoNaN() throws IOException {
    ExperimentResult r = result(Experiments.DROPOUT, 3, 2);
    Path file = ResultsJson.write(r, dir);
    String text = Files.readString(file);
    assertTrue(!text.contains("NaN"), "NaN is not JSON");
    JsonNode json = new ObjectMapper().readTree(text);
    assertEquals("dropout", json.get("experiment").asText());
    assertEquals(2, json.get("epochs").asInt());
    assertEquals(3, json.get("seeds").size());
    assertEquals(2, json.get("arms").size());
    for (JsonNode arm : json.get("arms")) {
      assertEquals(3, arm.get("runs").size());
      for (JsonNode run : arm.get("runs")) {
        assertEquals(2, run.get("epochs").size());
        assertEquals(8, run.get("curve").size());
        assertTrue(run.get("epochs").get(0).get("validationLoss").isNull());
        assertTrue(run.get("epochs").get(1).has("trainingSetTop1"));
      }
    }
    assertEquals("no-dropout", json.get("arms").get(1).get("name").asText());
    assertEquals(0.13, json.at("/arms/1/runs/0/epochs/1/validationTop1").asDouble(), 1e-12);
    JsonNode gap = json.get("rows").get(0);
    assertEquals("agree", gap.get("verdict").asText());
    assertEquals(0.02 - 0.08 + 0.0, gap.get("difference").asDouble(), 1e-9);
    assertEquals(3, gap.get("arms").get(0).get("values").size());
    assertTrue(json.get("trainingErrorTarget").isNull());
  }

  @Test
  void resultsMarkdownHasOneTableRowPerMeasureWithVerdicts() throws IOException {
    ExperimentResult r = result(Experiments.DROPOUT, 3, 2);
    String md = Files.readString(ResultsMarkdown.write(r, dir));
    List<String> lines = md.lines().toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("| measure | `dropout`")) {
        header = i;
        break;
      }
    }
    assertTrue(header >= 0, md);
    assertTrue(lines.get(header).contains("mean [min, max] over 3 seeds"), lines.get(header));
    assertTrue(lines.get(header + 1).startsWith("| --- |"));
    List<String> rows = lines.subList(header + 2, header + 2 + r.rows().size());
    for (int i = 0; i < rows.size(); i++) {
      String row = rows.get(i);
      assertTrue(row.startsWith("| " + r.rows().get(i).measure() + " |"), row);
      assertEquals(9, row.split("\\|", -1).length, row);
    }
    // overfitting: 2.1% vs 8.1% (each over 0.2 pp), agree; training set: 10% vs 5%, agree
    assertTrue(rows.get(0).contains("| 2.10% [2.00, 2.20] | 8.10% [8.00, 8.20] |"), rows.get(0));
    assertTrue(rows.get(0).endsWith("| **agree** |"), rows.get(0));
    assertTrue(rows.get(1).contains("10.00% [10.00, 10.00]"), rows.get(1));
    assertTrue(rows.get(1).endsWith("| **agree** |"), rows.get(1));
    // validation 12.1% vs 13.1%: the difference of 1 pp beats the 0.2 pp spread, but is not judged
    assertTrue(rows.get(2).contains("| -1.00 pp | 0.20 pp |"), rows.get(2));
    assertTrue(rows.get(2).endsWith("| not judged |"), rows.get(2));
    assertTrue(md.contains("**Verdict: agree**"), md);
    assertTrue(md.contains("1,000 of 60,000 training images and 200 of 10,000 validation"), md);
    assertTrue(md.contains("Fashion-MNIST vs ImageNet: 28x28 greyscale"), md);
    assertTrue(md.contains(Experiments.DROPOUT.datasetNote()), md);
    assertTrue(md.contains("verdict is judged on top-1"), md);
    assertTrue(md.contains("![error per epoch, every run](error.png)"), md);
    // every run is listed
    assertEquals(
        6, lines.stream().filter(l -> l.matches("\\| (no-)?dropout \\| 4[234] \\|.*")).count());
  }

  @Test
  void aTimedTargetThatWasNotReachedIsABoundInTheTable() {
    ExperimentResult r = result(Experiments.RELU_VS_TANH, 2, 3);
    String table = ResultsMarkdown.table(r);
    String epochsRow =
        table.lines().filter(l -> l.startsWith("| epochs of training")).findFirst().orElseThrow();
    // relu reached it at 0.50 and 0.52 epochs; tanh never did in 3 epochs: >= 3.00
    assertTrue(epochsRow.contains("| 0.51 [0.50, 0.52] |"), epochsRow);
    assertTrue(
        epochsRow.contains(">= 3.00 [3.00, 3.00] (2 of 2 runs never reached it)"), epochsRow);
    assertTrue(epochsRow.endsWith("| **agree** |"), epochsRow);
    String md = ResultsMarkdown.render(r);
    assertTrue(md.contains("not reached"), md);
    assertTrue(md.contains("tanh / relu = "), md);
  }

  @Test
  void oneSeedWritesNoRangeAndJudgesNothing() {
    ExperimentResult r = result(Experiments.LRN, 1, 1);
    String table = ResultsMarkdown.table(r);
    assertTrue(table.contains("(1 seed)"), table);
    assertTrue(table.contains("| 12.00% | 13.00% |"), table);
    assertTrue(table.contains("**inconclusive**"), table);
    assertEquals("inconclusive", r.verdict());
  }

  @Test
  void aDivergedRunIsListedAndLeavesItsRowsUnjudged() throws IOException {
    ExperimentResult good = result(Experiments.LRN, 3, 2);
    RunRecord diverged =
        new RunRecord(
            "no-lrn",
            1,
            43,
            20121,
            List.of(),
            List.of(new CurvePoint(0.1, 1, 0.9)),
            Double.NaN,
            Double.NaN,
            1,
            2,
            "diverged: step 5: the loss is NaN");
    List<RunRecord> second = new ArrayList<>(good.arms().get(1).runs());
    second.set(1, diverged);
    List<ArmResult> arms =
        List.of(
            good.arms().get(0), new ArmResult("no-lrn", good.arms().get(1).description(), second));
    List<Row> rows = ExperimentRunner.compare(Experiments.LRN, arms);
    assertEquals(Verdict.INCONCLUSIVE, rows.get(0).verdict());
    assertTrue(rows.get(0).reason().contains("1 run diverged"), rows.get(0).reason());
    assertEquals(1, rows.get(0).arms().get(1).missing());
    // the mean is over the runs that gave a figure: 0.130 and 0.132
    assertEquals(0.131, rows.get(0).arms().get(1).mean(), 1e-9);
    ExperimentResult r =
        new ExperimentResult(
            good.experiment(),
            good.title(),
            good.section(),
            good.claim(),
            good.compared(),
            good.data(),
            good.epochs(),
            good.trainingErrorTarget(),
            good.seeds(),
            good.backend(),
            arms,
            rows,
            ExperimentRunner.overall(rows),
            good.datasetNote(),
            good.started(),
            good.wallSeconds());
    String md = ResultsMarkdown.render(r);
    assertTrue(md.contains("| no-lrn | 43 | diverged: step 5: the loss is NaN |"), md);
    assertTrue(md.contains("(1 of 3 runs diverged)"), md);
    JsonNode json = ResultsJson.mapper().readTree(ResultsJson.mapper().writeValueAsString(r));
    assertEquals("diverged: step 5: the loss is NaN", json.at("/arms/1/runs/1/failure").asText());
    assertTrue(json.at("/rows/0/arms/1/values/1").isNull());
    ErrorChart.write(r, dir);
  }

  @Test
  void theChartIsAPngWithASeriesPerRun() throws IOException {
    ExperimentResult r = result(Experiments.DROPOUT, 2, 3);
    Path png = ErrorChart.write(r, dir);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1000, image.getWidth());
    assertEquals(600, image.getHeight());
    // per run: the training curve, validation and training-set errors
    assertEquals(2 * 2 * 3, ErrorChart.chart(r).getSeriesMap().size());
    // curves and validation lines are solid, the training-set lines dashed
    ErrorChart.chart(r)
        .getSeriesMap()
        .forEach(
            (name, series) ->
                assertEquals(
                    name.endsWith("training set"),
                    series.getLineStyle().getDashArray() != null,
                    name));
    ExperimentResult figure1 = result(Experiments.RELU_VS_TANH, 2, 2);
    // per run the training curve only, and the target line
    assertEquals(2 * 2 + 1, ErrorChart.chart(figure1).getSeriesMap().size());
    assertTrue(
        ErrorChart.chart(figure1).getSeriesMap().keySet().stream()
            .anyMatch(k -> k.toLowerCase(Locale.ROOT).contains("target: 25%")));
  }

  @Test
  void writeAllWritesTheThreeFiles() throws IOException {
    List<Path> files = Results.writeAll(result(Experiments.PCA_COLOUR, 2, 1), dir);
    assertEquals(
        List.of(dir.resolve("results.md"), dir.resolve("results.json"), dir.resolve("error.png")),
        files);
    for (Path f : files) {
      assertTrue(Files.size(f) > 100, f.toString());
    }
  }
}
