package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.augment.ClassIndex;
import dev.alexnet4j.augment.DatasetStatistics;
import dev.alexnet4j.augment.StatisticsCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint with what its run folder keeps beside it: the config it was trained with, the class
 * names and the training-set statistics, so evaluation preprocesses exactly as training did.
 */
record TrainedModel(
    Path file, Checkpoint checkpoint, List<String> classNames, DatasetStatistics statistics) {

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
        file, checkpoint, ClassIndex.read(classes), StatisticsCache.load(run.statistics()));
  }

  /** The config the checkpoint was trained with. */
  Config trainingConfig() {
    return ConfigFactory.parseString(checkpoint.config());
  }

  /** Loads the weights into a network built from the same config; all or nothing. */
  void loadInto(Session session, Network network) {
    checkpoint.requireCompatible(CheckpointTensors.tensorShapesOf(network.parameters()));
    for (Map.Entry<String, dev.alexnet4j.api.layer.Parameter> e : network.parameters().entrySet()) {
      session.backend.upload(checkpoint.parameters().get(e.getKey()).data(), e.getValue().value());
    }
  }
}
