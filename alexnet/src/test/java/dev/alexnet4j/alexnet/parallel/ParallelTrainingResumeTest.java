package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer drives every arrangement, and checkpoints move between them: a run on two devices
 * ends where the one-device run ends; a two-device run's checkpoint resumes on one device and the
 * other way round, and both reach the uninterrupted run's weights. Tolerance 1e-4 of each tensor's
 * scale after 18 steps: the arrangements differ only in the order of float sums.
 */
class ParallelTrainingResumeTest {
  private static final double TOLERANCE = 1e-4;
  private static final String NET =
      """
      alexnet4j {
        model = small
        seed = 5
        nd4j.virtual-devices = 2
        models.small {
          input = [1, 12, 12]
          layers = [
            { name = conv1, type = conv, filters = 4, kernel = 3, padding = 1, weight-std = 0.1 }
            { name = relu1, type = relu }
            { name = lrn1, type = lrn, groups = 2 }
            { name = pool1, type = maxpool }
            { name = conv2, type = conv, filters = 4, kernel = 3, groups = 2, weight-std = 0.2 }
            { name = flatten, type = flatten }
            { name = fc2, type = dense, units = 16, weight-std = 0.1 }
            { name = relu2, type = relu }
            { name = drop2, type = dropout }
            { name = fc3, type = dense, units = 4, weight-std = 0.1 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
        train {
          epochs = 3, batch = 16, learning-rate = 0.05
          checkpoint.every-steps = 4
        }
      }
      """;

  private final Config config = Alexnet4j.loadConfig(NET);
  private final Injector injector = Alexnet4j.createInjector(config);
  private final NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
  private final TrainingSettings settings = TrainingSettings.from(config);
  private final InMemoryDataSource train = new BarsProblem(12, 3).dataSource(96, 9);
  private final InMemoryDataSource validation = new BarsProblem(12, 4).dataSource(32, 0);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"model", "data", "hybrid"})
  void checkpointsMoveBetweenOneAndTwoDevices(String name, @TempDir Path dir) throws IOException {
    ParallelMode mode = ParallelModes.named(name);
    try (Backend backend = injector.getInstance(Backend.class)) {
      List<Device> one = backend.devices().subList(0, 1);
      List<Device> two = backend.devices().subList(0, 2);
      Path oneDir = dir.resolve("one");
      Path twoDir = dir.resolve("two");
      Map<String, float[]> uninterrupted = run(mode, backend, one, oneDir, null);
      Map<String, float[]> onTwo = run(mode, backend, two, twoDir, null);
      SplitFixture.assertAllClose(mode + ": two devices vs one", uninterrupted, onTwo, TOLERANCE);

      Checkpoint fromTwo = CheckpointFile.read(new CheckpointStore(twoDir, 100).pathFor(8));
      Checkpoint fromOne = CheckpointFile.read(new CheckpointStore(oneDir, 100).pathFor(8));
      SplitFixture.assertAllClose(
          mode + ": two devices' checkpoint at step 8 resumed on one",
          uninterrupted,
          run(mode, backend, one, dir.resolve("a"), fromTwo),
          TOLERANCE);
      SplitFixture.assertAllClose(
          mode + ": one device's checkpoint at step 8 resumed on two",
          uninterrupted,
          run(mode, backend, two, dir.resolve("b"), fromOne),
          TOLERANCE);
    }
  }

  /** Trains to the end (from {@code resume} when given) and returns the final weights. */
  private Map<String, float[]> run(
      ParallelMode mode, Backend backend, List<Device> devices, Path dir, Checkpoint resume)
      throws IOException {
    // Resumed runs start from other weights: everything must come from the checkpoint.
    long seed = resume == null ? 5 : 99;
    try (TrainableNetwork net =
            mode.build(spec, backend, devices, settings.batch(), seed, StageObserver.NONE);
        Trainer trainer = new Trainer(net, settings, 5)) {
      trainer.checkpointTo(new CheckpointStore(dir, 100), config.root().render());
      if (resume != null) {
        trainer.resume(resume);
      }
      trainer.fit(train, validation);
      assertEquals(18, trainer.step(), "3 epochs of 6 batches");
      Map<String, float[]> weights = new LinkedHashMap<>();
      net.parameters().forEach((name, a) -> weights.put(name, a.data()));
      return weights;
    }
  }
}
