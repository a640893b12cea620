package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.checkpoint.Npz;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.augment.ClassIndex;
import dev.alexnet4j.augment.DataSets;
import dev.alexnet4j.augment.DatasetException;
import dev.alexnet4j.augment.DatasetStatistics;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.StatisticsCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trained weights with what evaluating them needs: the config of the network they fit, the class
 * names and the training-set statistics, so evaluation preprocesses exactly as training did.
 *
 * <p>A checkpoint ({@code --checkpoint}) brings all of it from its run folder. A {@code .npz}
 * ({@code --weights}, see {@link ModelSource}) brings only the arrays: the network is the config's
 * {@code --model}, the class names come from {@code --classes FILE} (one per line) or are {@code
 * class_0 .. class_N-1}, and the statistics come from {@code --statistics FILE} (a run folder's
 * {@code statistics.bin}) or are computed, as train does, from the training part of the configured
 * data ({@code alexnet4j.augment.data.root}); with neither the command is refused. What needs the
 * network or the data is settled by {@link #bind(Session)}.
 *
 * @param checkpoint the checkpoint, or null for an {@code .npz}
 * @param model the model named by {@code --model} for an {@code .npz}, else null
 * @param classNames null until {@link #bind} where not given
 * @param namedClasses whether the class names were given (a run folder, {@code --classes}), not
 *     numbered
 * @param statistics null until {@link #bind} where not given
 * @param statisticsFile the file the statistics came from (for cache keys), null until bound
 */
record TrainedModel(
    Path file,
    Checkpoint checkpoint,
    Map<String, NpyArray> parameters,
    String model,
    List<String> classNames,
    boolean namedClasses,
    DatasetStatistics statistics,
    Path statisticsFile) {

  static TrainedModel load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError("checkpoint " + file.toAbsolutePath() + " does not exist");
    }
    Checkpoint checkpoint = CheckpointFile.read(file);
    RunFolder run = RunFolder.of(file);
    Path classes = run.root().resolve(ClassIndex.FILE_NAME);
    if (!Files.isRegularFile(classes) || !Files.isRegularFile(run.statistics())) {
      throw new UserError(
          "checkpoint "
              + file
              + " has no "
              + ClassIndex.FILE_NAME
              + " and statistics.bin in its run folder "
              + run.root()
              + "; evaluate checkpoints inside the run folder that `alexnet4j train` made");
    }
    return new TrainedModel(
        file,
        checkpoint,
        checkpoint.parameters(),
        null,
        ClassIndex.read(classes),
        true,
        StatisticsCache.load(run.statistics()),
        run.statistics());
  }

  /**
   * Weights from a {@code .npz} for the config's model {@code model}; {@code classes} and {@code
   * statistics} may be null (see the class comment).
   */
  static TrainedModel weights(Path file, String model, Path classes, Path statistics)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError("--weights " + file.toAbsolutePath() + " does not exist");
    }
    Map<String, NpyArray> arrays = Npz.read(file);
    List<String> names = null;
    if (classes != null) {
      if (!Files.isRegularFile(classes)) {
        throw new UserError("--classes " + classes.toAbsolutePath() + " does not exist");
      }
      names = ClassIndex.read(classes);
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).isBlank()) {
          throw new UserError(
              "--classes " + classes + ": line " + (i + 1) + " is empty; give one name per line");
        }
      }
    }
    DatasetStatistics stats = null;
    if (statistics != null) {
      if (!Files.isRegularFile(statistics)) {
        throw new UserError("--statistics " + statistics.toAbsolutePath() + " does not exist");
      }
      try {
        stats = StatisticsCache.load(statistics);
      } catch (IOException | RuntimeException e) {
        throw new UserError(
            "--statistics "
                + statistics
                + " is not the statistics.bin of a run folder ("
                + e.getMessage()
                + ")");
      }
    }
    return new TrainedModel(
        file, null, arrays, model, names, names != null, stats, stats != null ? statistics : null);
  }

  /** The config the weights were trained with: a checkpoint's own, or none for an .npz. */
  Config trainingConfig() {
    return checkpoint != null
        ? ConfigFactory.parseString(checkpoint.config())
        : ConfigFactory.empty();
  }

  /**
   * The effective config: the command line over the training config ({@link
   * ConfigOptions#loadOver}); for an .npz, {@code --model} sets {@code alexnet4j.model}.
   */
  Config config(ConfigOptions options, Map<String, Object> typed) {
    Map<String, Object> all = new LinkedHashMap<>(typed);
    if (model != null) {
      all.put("alexnet4j.model", model);
    }
    return options.loadOver(trainingConfig(), all);
  }

  /**
   * Settles what an .npz does not say, once the network and data are known: numbered class names
   * (or a check that {@code --classes} names one per output) and the training-set statistics.
   */
  TrainedModel bind(Session session) {
    if (checkpoint != null) {
      return this;
    }
    int outputs = session.classes();
    List<String> names = classNames;
    if (names == null) {
      names = new ArrayList<>(outputs);
      for (int i = 0; i < outputs; i++) {
        names.add("class_" + i);
      }
    } else if (names.size() != outputs) {
      throw new UserError(
          "--classes names "
              + names.size()
              + " classes but the model "
              + model
              + " has "
              + outputs
              + " outputs: give one name per output, one per line");
    }
    DatasetStatistics stats = statistics;
    Path statsFile = statisticsFile;
    if (stats == null) {
      ImageDataset train;
      try {
        train = DataSets.open(session.config).train();
      } catch (ConfigurationException | DatasetException e) {
        throw new UserError(
            "--weights "
                + file
                + ": an .npz has no training statistics to normalise the input with; give"
                + " --statistics RUN/statistics.bin (of the run that trained the weights), or the"
                + " data they were trained on (--data DIR where the command has it, else"
                + " -Dalexnet4j.augment.data.root=DIR), whose statistics are computed as train does ("
                + e.getMessage()
                + ")");
      }
      stats = StatisticsCache.loadOrCompute(train, session.augment);
      statsFile = StatisticsCache.file(train, session.augment);
    }
    return new TrainedModel(
        file, null, parameters, model, List.copyOf(names), namedClasses, stats, statsFile);
  }

  /** Loads the weights into a network built from the same config; all or nothing. */
  void loadInto(Session session, Network network) {
    if (checkpoint != null) {
      checkpoint.requireCompatible(CheckpointTensors.tensorShapesOf(network.parameters()));
    } else {
      requireFits(file, Checkpoint.shapes(parameters), network.parameters());
    }
    for (Map.Entry<String, dev.alexnet4j.api.layer.Parameter> e : network.parameters().entrySet()) {
      session.backend.upload(parameters.get(e.getKey()).data(), e.getValue().value());
    }
  }

  /**
   * Every parameter of the network is in the file with its shape, and nothing else is; else the
   * message of {@link dev.alexnet4j.api.checkpoint.WeightsFile#importInto}, naming every mismatch.
   */
  static void requireFits(
      Path file, Map<String, int[]> found, Map<String, dev.alexnet4j.api.layer.Parameter> network) {
    Map<String, int[]> expected = new LinkedHashMap<>();
    CheckpointTensors.tensorShapesOf(network)
        .forEach((name, shape) -> expected.put(name, shape.dims()));
    requireFitsShapes(file, found, expected);
  }

  static void requireFitsShapes(Path file, Map<String, int[]> found, Map<String, int[]> expected) {
    List<WeightsMismatchException.Mismatch> mismatches =
        WeightsMismatchException.compare("parameter", expected, found);
    if (!mismatches.isEmpty()) {
      throw new WeightsMismatchException(
          file + " does not fit the network", "the network", "the file", mismatches);
    }
  }
}
