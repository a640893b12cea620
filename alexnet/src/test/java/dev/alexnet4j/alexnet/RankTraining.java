package dev.alexnet4j.alexnet;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rank's training run for the data-parallel tests, the same whether the ranks are threads
 * ({@link DataParallelRanksTest}) or MPI processes ({@link MpiTrainingTest}): a small conv net with
 * grouped conv, LRN and dropout on the bars problem, 2 epochs of 6 steps.
 */
final class RankTraining {
  private RankTraining() {}

  /** The job's batch: 96 training samples make 6 steps an epoch. */
  static final int BATCH = 16;

  static final String NET =
      """
      alexnet4j {
        model = small
        seed = 5
        models.small {
          input = [1, 12, 12]
          layers = [
            { name = conv1, type = conv, filters = 4, kernel = 3, padding = 1, weight-std = 0.1 }
            { name = relu1, type = relu }
            { name = lrn1, type = lrn, groups = 2 }
            { name = pool1, type = maxpool }
            { name = conv2, type = conv, filters = 4, kernel = 3, groups = 2, weight-std = 0.2 }
            { name = fc2, type = dense, units = 16, weight-std = 0.1 }
            { name = relu2, type = relu }
            { name = drop2, type = dropout }
            { name = fc3, type = dense, units = 4, weight-std = 0.1 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
        train { epochs = 2, batch = 16, learning-rate = 0.05, checkpoint.every-steps = 3 }
      }
      """;

  record Outcome(Map<String, float[]> weights, EpochReport last, long steps) {}

  /**
   * @param collective null for one process alone
   * @param batch this rank's share of {@link #BATCH}
   * @param seed initial weights; other ranks' are replaced by rank 0's
   * @param store checkpoints (only rank 0 writes), or null
   */
  static Outcome train(
      Backend backend,
      NetworkSpec spec,
      TrainingSettings settings,
      Collective collective,
      int batch,
      long seed,
      Path store,
      int syncEvery)
      throws IOException {
    Outcome outcome = train(backend, spec, settings, collective, batch, seed, store, syncEvery, 96);
    if (outcome.steps() != 12) {
      throw new IllegalStateException("2 epochs of 6 steps expected, ran " + outcome.steps());
    }
    return outcome;
  }

  /** Like the other, on {@code samples} training samples. */
  static Outcome train(
      Backend backend,
      NetworkSpec spec,
      TrainingSettings settings,
      Collective collective,
      int batch,
      long seed,
      Path store,
      int syncEvery,
      int samples)
      throws IOException {
    // A rank computes rows [rank * batch, (rank + 1) * batch) of each step's batch.
    int firstRow = collective == null ? 0 : collective.rank() * batch;
    try (SingleDeviceNetwork model =
            SingleDeviceNetwork.owning(
                backend,
                spec.buildReplica(backend, backend.devices().get(0), batch, firstRow, seed));
        Trainer trainer = new Trainer(model, settings, 5)) {
      if (collective != null) {
        trainer.distributeOver(collective, syncEvery);
      }
      if (store != null) {
        trainer.checkpointTo(new CheckpointStore(store, 10), "");
      }
      EpochReport last =
          trainer.fit(
              new BarsProblem(12, 3).dataSource(samples, 9),
              new BarsProblem(12, 4).dataSource(32, 0));
      Map<String, float[]> weights = new LinkedHashMap<>();
      model.parameters().forEach((name, a) -> weights.put(name, a.data()));
      return new Outcome(weights, last, trainer.step());
    }
  }
}
