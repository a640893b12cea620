package dev.alexnet4j.experiments;

import java.util.List;

/**
 * Everything an experiment measured and concluded: what {@code results.md}, {@code results.json}
 * and the chart are written from.
 *
 * @param arms in the experiment's order: the paper's choice first
 * @param trainingErrorTarget the training error whose first crossing each run timed, or NaN
 * @param seeds {@code alexnet4j.seed} of each seed, the same for every arm
 * @param rows one per measure, in the experiment's order
 * @param verdict the judged rows' verdicts in one word or a short list
 * @param wallSeconds the whole experiment
 */
public record ExperimentResult(
    String experiment,
    String title,
    String section,
    String claim,
    String compared,
    Data data,
    int epochs,
    double trainingErrorTarget,
    List<Long> seeds,
    String backend,
    List<ArmResult> arms,
    List<Row> rows,
    String verdict,
    String datasetNote,
    String started,
    double wallSeconds) {

  public ExperimentResult {
    seeds = List.copyOf(seeds);
    arms = List.copyOf(arms);
    rows = List.copyOf(rows);
  }

  /**
   * The data the runs saw.
   *
   * @param root the data folder
   * @param fashionMnist whether it is Fashion-MNIST (the notes on ImageNet apply)
   * @param trainImages images trained on per epoch (a fixed part of {@code trainTotal})
   * @param validationImages images validated on (a fixed part of {@code validationTotal})
   */
  public record Data(
      String root,
      boolean fashionMnist,
      int classes,
      int trainImages,
      int trainTotal,
      int validationImages,
      int validationTotal) {}

  /** One arm and its runs, in seed order. */
  public record ArmResult(String name, String description, List<RunRecord> runs) {
    public ArmResult {
      runs = List.copyOf(runs);
    }
  }

  /**
   * One measure over both arms.
   *
   * @param arms each arm's figure over seeds, in arm order
   * @param difference first arm's mean minus the second's
   * @param spread the larger of the arms' ranges over seeds
   */
  public record Row(
      String measure,
      Measure.Unit unit,
      String claim,
      boolean judged,
      List<Summary> arms,
      double difference,
      double spread,
      Verdict verdict,
      String reason) {
    public Row {
      arms = List.copyOf(arms);
    }
  }
}
