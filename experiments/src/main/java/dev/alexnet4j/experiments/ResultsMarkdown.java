package dev.alexnet4j.experiments;

import dev.alexnet4j.experiments.ExperimentResult.ArmResult;
import dev.alexnet4j.experiments.ExperimentResult.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code results.md}: the claim, the set-up, the table (each arm's figure with its range over
 * seeds, the difference, the spread, the paper's claim, the verdict), the rule, where the data set
 * differs from ImageNet, every run, and the chart.
 */
public final class ResultsMarkdown {
  public static final String FILE = "results.md";

  private ResultsMarkdown() {}

  /** Writes {@value #FILE} into {@code dir}. */
  public static Path write(ExperimentResult r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    Files.writeString(file, render(r), StandardCharsets.UTF_8);
    return file;
  }

  /** The whole page. */
  public static String render(ExperimentResult r) {
    StringBuilder s = new StringBuilder(4096);
    String a = r.arms().get(0).name();
    String b = r.arms().get(1).name();
    s.append("# ").append(r.experiment()).append(": ").append(r.title()).append("\n\n");
    s.append("Paper (").append(r.section()).append("): ").append(r.claim()).append("\n\n");
    s.append("Compared: ").append(r.compared()).append(".\n\n");
    for (ArmResult arm : r.arms()) {
      s.append("- `").append(arm.name()).append("`: ").append(arm.description()).append('\n');
    }
    s.append('\n');
    s.append(
        String.format(
            Locale.ROOT,
            "Set-up: %,d of %,d training images and %,d of %,d validation images (fixed, evenly"
                + " spread; %d classes) from `%s`; %d epoch%s per run; %d seed%s (alexnet4j.seed %s), the"
                + " same for both arms; backend %s; started %s, %s in all.%n%n",
            r.data().trainImages(),
            r.data().trainTotal(),
            r.data().validationImages(),
            r.data().validationTotal(),
            r.data().classes(),
            r.data().root(),
            r.epochs(),
            r.epochs() == 1 ? "" : "s",
            r.seeds().size(),
            r.seeds().size() == 1 ? "" : "s",
            r.seeds().toString().replace("[", "").replace("]", ""),
            r.backend(),
            r.started(),
            Format.duration(r.wallSeconds())));
    s.append("**Verdict: ").append(r.verdict()).append("**\n\n");
    s.append(table(r));
    s.append('\n');
    for (Row row : r.rows()) {
      s.append("- ").append(row.measure()).append(": ").append(row.reason()).append(".\n");
    }
    s.append('\n');
    s.append(
        "Rule: the difference is `"
            + a
            + "` minus `"
            + b
            + "` (means over seeds); the spread is the larger of the two arms' ranges over seeds."
            + " A difference no larger than the spread is inconclusive (no measurable difference"
            + " here), never a confirmation; a larger one agrees or disagrees with the direction"
            + " of the paper's claim. With fewer than two seeds nothing is judged.\n\n");
    if (r.rows().stream().anyMatch(row -> row.measure().contains("top-5"))) {
      s.append(
          "Top-5: with "
              + r.data().classes()
              + " classes the true class is almost always among the first five, so top-5 error is"
              + " nearly 0; it is reported, and the verdict is judged on top-1.\n\n");
    }
    s.append(r.data().fashionMnist() ? "Fashion-MNIST vs ImageNet: " : "This data vs ImageNet: ");
    if (r.data().fashionMnist()) {
      s.append(
          "28x28 greyscale garments centred on a plain background, 10 classes, 60,000 training"
              + " images (here "
              + String.format(Locale.ROOT, "%,d", r.data().trainImages())
              + ", for "
              + r.epochs()
              + " epoch"
              + (r.epochs() == 1 ? "" : "s")
              + "), against 1.2 million colour photographs of 1000 classes trained for about 90"
              + " epochs. ");
    }
    s.append(r.datasetNote()).append("\n\n");
    s.append("## Runs\n\n");
    s.append(runsTable(r));
    s.append("\n![error per epoch, every run](").append(ErrorChart.FILE).append(")\n");
    return s.toString();
  }

  /** The results table alone, one row per measure. */
  public static String table(ExperimentResult r) {
    StringBuilder s = new StringBuilder(1024);
    int seeds = r.seeds().size();
    String over = seeds == 1 ? "1 seed" : "mean [min, max] over " + seeds + " seeds";
    s.append("| measure | `")
        .append(r.arms().get(0).name())
        .append("` (")
        .append(over)
        .append(") | `")
        .append(r.arms().get(1).name())
        .append("` | difference | spread | paper | verdict |\n");
    s.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : r.rows()) {
      s.append("| ")
          .append(row.measure())
          .append(" | ")
          .append(Format.summary(row.arms().get(0), row.unit()))
          .append(" | ")
          .append(Format.summary(row.arms().get(1), row.unit()))
          .append(" | ")
          .append(Format.difference(row.difference(), row.unit()))
          .append(" | ")
          .append(Format.magnitude(row.spread(), row.unit()))
          .append(" | ")
          .append(row.claim())
          .append(" | ")
          .append(row.judged() ? "**" + row.verdict().label() + "**" : row.verdict().label())
          .append(" |\n");
    }
    return s.toString();
  }

  private static String runsTable(ExperimentResult r) {
    boolean target = Double.isFinite(r.trainingErrorTarget());
    boolean trainingSet =
        r.arms().stream()
            .flatMap(a -> a.runs().stream())
            .anyMatch(x -> x.completed() && Double.isFinite(x.last().trainingSetTop1()));
    StringBuilder s = new StringBuilder(1024);
    s.append("| arm | seed | training top-1 (last epoch, as trained) |");
    if (trainingSet) {
      s.append(" training-set top-1 (dropout off) |");
    }
    s.append(" validation top-1 | validation top-5 |");
    if (target) {
      s.append(" target reached at |");
    }
    s.append(" training steps | whole run |\n");
    int columns = 7 + (trainingSet ? 1 : 0) + (target ? 1 : 0);
    s.append("|").append(" --- |".repeat(columns)).append('\n');
    for (ArmResult arm : r.arms()) {
      for (RunRecord run : arm.runs()) {
        s.append("| ").append(arm.name()).append(" | ").append(run.seed()).append(" | ");
        if (!run.completed()) {
          String why = run.failure() == null ? "no epoch ended" : run.failure().replace('|', '/');
          s.append(why).append(" |").append(" |".repeat(columns - 3)).append('\n');
          continue;
        }
        RunRecord.EpochRecord last = run.last();
        s.append(Format.value(last.trainTop1(), Measure.Unit.ERROR)).append(" | ");
        if (trainingSet) {
          s.append(Format.value(last.trainingSetTop1(), Measure.Unit.ERROR)).append(" | ");
        }
        s.append(Format.value(last.validationTop1(), Measure.Unit.ERROR)).append(" | ");
        s.append(Format.value(last.validationTop5(), Measure.Unit.ERROR)).append(" | ");
        if (target) {
          s.append(
                  run.reachedTarget()
                      ? String.format(
                          Locale.ROOT,
                          "%.2f epochs, %s",
                          run.targetEpochs(),
                          Format.value(run.targetSeconds(), Measure.Unit.SECONDS))
                      : "not reached")
              .append(" | ");
        }
        s.append(Format.value(run.trainingSeconds(), Measure.Unit.SECONDS)).append(" | ");
        s.append(Format.value(run.wallSeconds(), Measure.Unit.SECONDS)).append(" |\n");
      }
    }
    return s.toString();
  }
}
