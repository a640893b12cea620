package dev.alexnet4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where a command's trained weights come from, one or the other: {@code --checkpoint} of a run
 * folder (which also gives the config, class names and statistics), or {@code --weights FILE.npz}
 * with {@code --model} and optionally {@code --classes} and {@code --statistics} (see {@link
 * TrainedModel}).
 */
final class ModelSource {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "Checkpoint in a run folder made by train.")
  Path checkpoint;

  @ArgGroup(exclusive = false, multiplicity = "1")
  Weights weights;

  /** The options of {@code --weights}. */
  static final class Weights {
    @Option(
        names = "--weights",
        required = true,
        paramLabel = "FILE.npz",
        description =
            "Weights as a NumPy .npz, one array per parameter (conv1.weight, ...), instead of a"
                + " checkpoint; every parameter must be there with its shape.")
    Path file;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "NAME",
        description =
            "With --weights: the model they are for (alexnet4j.model), e.g. alexnet,"
                + " alexnet-small or one under alexnet4j.models.")
    String model;

    @Option(
        names = "--classes",
        paramLabel = "FILE",
        description =
            "With --weights: class names, one per line in output order (default: class_0 ..).")
    Path classes;

    @Option(
        names = "--statistics",
        paramLabel = "FILE",
        description =
            "With --weights: the statistics.bin of the run that trained them (default: computed"
                + " from the training data of alexnet4j.augment.data.root, as train does).")
    Path statistics;
  }

  /** The checkpoint or weights file. */
  Path file() {
    return checkpoint != null ? checkpoint : weights.file;
  }

  /** The model named: a checkpoint with its run folder, or the .npz with its options. */
  TrainedModel load() throws IOException {
    if (checkpoint != null) {
      return TrainedModel.load(checkpoint);
    }
    return TrainedModel.weights(weights.file, weights.model, weights.classes, weights.statistics);
  }
}
