package dev.alexnet4j.cli;

import dev.alexnet4j.experiments.Experiment;
import dev.alexnet4j.experiments.ExperimentException;
import dev.alexnet4j.experiments.ExperimentOptions;
import dev.alexnet4j.experiments.ExperimentResult;
import dev.alexnet4j.experiments.ExperimentRunner;
import dev.alexnet4j.experiments.Experiments;
import dev.alexnet4j.experiments.Results;
import dev.alexnet4j.experiments.ResultsMarkdown;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alexnet4j experiment NAME}: one of the paper's design experiments (module experiments),
 * its arms trained under the same seeds on the same data, then results.md, results.json and
 * error.png in the output folder.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Re-run one of the paper's design experiments: two configurations trained under the same"
          + " seeds on the same data, compared with the paper's claim (docs/EXPERIMENTS.md).",
      "Writes results.md (the table: our measurement with its spread over seeds, the paper's"
          + " claim, agree / disagree / inconclusive), results.json and error.png.",
      "--list names them: relu-vs-tanh, lrn, overlapping-pooling, dropout, two-towers,"
          + " pca-colour."
    })
final class ExperimentCommand implements Callable<Integer> {
  /** Where Debian's dataset-fashion-mnist puts the IDX files. */
  static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description = "The experiment (see --list).")
  String name;

  @Option(names = "--list", description = "List the experiments with the paper's claims.")
  boolean list;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "IDX files or DIR/train/<class>/* with DIR/val/<class>/* (default: Fashion-MNIST from"
              + " Debian's dataset-fashion-mnist, "
              + "/usr/share/datasets/fashion-mnist).")
  Path data;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description =
          "Epochs per run (default: the experiment's: 2 for relu-vs-tanh, 3 for the others).")
  Integer epochs;

  @Option(
      names = "--seeds",
      paramLabel = "K",
      defaultValue = "" + ExperimentOptions.DEFAULT_SEEDS,
      description = "Runs per arm, each under its own seed (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--train-images",
      paramLabel = "N",
      defaultValue = "" + ExperimentOptions.DEFAULT_TRAIN_IMAGES,
      description =
          "Training images used, a fixed evenly spread part of the training set (default:"
              + " ${DEFAULT-VALUE}).")
  int trainImages;

  @Option(
      names = "--validation-images",
      paramLabel = "N",
      defaultValue = "" + ExperimentOptions.DEFAULT_VALIDATION_IMAGES,
      description = "Validation images used, likewise (default: ${DEFAULT-VALUE}).")
  int validationImages;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output folder (default: runs/experiments/NAME).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    if (list) {
      for (Experiment e : Experiments.all()) {
        console.printf("%-20s %s (%s): %s%n", e.name(), e.title(), e.section(), e.claim());
      }
      console.flush();
      return 0;
    }
    if (name == null) {
      throw new UserError(
          "name an experiment: " + String.join(", ", Experiments.names()) + " (or --list)");
    }
    Experiment experiment;
    try {
      experiment = Experiments.named(name);
    } catch (ExperimentException e) {
      throw new UserError(e.getMessage());
    }
    Path folder = data != null ? data : requireFashionMnist(FASHION_MNIST);
    Path output = out != null ? out : Path.of("runs", "experiments", experiment.name());
    ExperimentOptions run;
    try {
      run =
          new ExperimentOptions(
              folder, epochs, seeds, trainImages, validationImages, output, options.userLayer());
    } catch (ExperimentException e) {
      throw new UserError(e.getMessage());
    }
    PrintStream stream =
        new PrintStream(new WriterOutputStream(console), true, StandardCharsets.UTF_8);
    ExperimentResult result;
    try {
      result = new ExperimentRunner(stream).run(experiment, run);
    } catch (ExperimentException e) {
      throw new UserError(e.getMessage());
    }
    List<Path> files = Results.writeAll(result, output);
    console.println();
    console.print(ResultsMarkdown.table(result));
    console.println();
    console.println("verdict: " + result.verdict());
    console.println("written: " + String.join(", ", files.stream().map(Path::toString).toList()));
    console.flush();
    return 0;
  }

  /**
   * The default data: Debian's Fashion-MNIST, or one line saying how to get it.
   *
   * @throws UserError when the IDX files are not there
   */
  static Path requireFashionMnist(Path folder) {
    for (String f : List.of("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz")) {
      if (Files.isRegularFile(folder.resolve(f))) {
        return folder;
      }
    }
    throw new UserError(
        "no Fashion-MNIST in "
            + folder
            + " (the default data of experiments): install Debian's package"
            + " (sudo apt-get install dataset-fashion-mnist), or give --data DIR");
  }
}
