package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.checkpoint.FileFormatException;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from the checkpoint of step k and running to step n gives, bit for bit on the CPU, the
 * weights of an uninterrupted run to step n; bad checkpoints are refused whole.
 */
class ResumeTest {
  private static final String NET =
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
            { name = fc2, type = dense, units = 16, weight-std = 0.1 }
            { name = relu2, type = relu }
            { name = drop2, type = dropout }
            { name = fc3, type = dense, units = 4, weight-std = 0.1 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
        train {
          epochs = 3, batch = 16, learning-rate = 0.05, schedule = plateau
          plateau.patience = 1
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

  private Map<String, float[]> weights(Backend backend, Network net) {
    Map<String, float[]> out = new LinkedHashMap<>();
    net.parameters().forEach((name, p) -> out.put(name, backend.download(p.value())));
    return out;
  }

  @Test
  void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
    Map<String, float[]> uninterrupted;
    Checkpoint atStep8;
    Backend backend = injector.getInstance(Backend.class);
    try (Network net = spec.build(backend, backend.devices().get(0), 16, 5);
        Trainer trainer = new Trainer(backend, net, settings, 5)) {
      CheckpointStore store = new CheckpointStore(dir, 100);
      trainer.checkpointTo(store, config.root().render());
      trainer.fit(train, validation);
      assertEquals(18, trainer.step(), "3 epochs of 6 batches");
      uninterrupted = weights(backend, net);
      // Step 8 is mid-epoch (epoch 1, batch 2): resuming must skip what was done.
      atStep8 = CheckpointFile.read(store.pathFor(8));
      assertEquals(1, atStep8.epoch());
      assertEquals("2", atStep8.state().get("batch-in-epoch"));
      assertTrue(Files.exists(store.bestPath()), "best checkpoint kept");
    }
    // A fresh network with other initial weights: everything must come from the checkpoint.
    try (backend;
        Network net = spec.build(backend, backend.devices().get(0), 16, 99);
        Trainer trainer = new Trainer(backend, net, settings, 5)) {
      trainer.resume(atStep8);
      trainer.fit(train, validation);
      assertEquals(18, trainer.step());
      Map<String, float[]> resumed = weights(backend, net);
      for (String name : uninterrupted.keySet()) {
        assertArrayEquals(uninterrupted.get(name), resumed.get(name), name + " bit for bit");
      }
    }
  }

  @Test
  void checkpointOfAnotherArchitectureIsRefusedWhole(@TempDir Path dir) throws IOException {
    Config other = Alexnet4j.loadConfig(NET.replace("units = 16", "units = 8"));
    NetworkSpec otherSpec =
        Alexnet4j.createInjector(other).getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = otherSpec.build(backend, backend.devices().get(0), 16, 5);
        Trainer trainer = new Trainer(backend, net, settings, 5);
        Network mine = spec.build(backend, backend.devices().get(0), 16, 5);
        Trainer mineTrainer = new Trainer(backend, mine, settings, 5)) {
      Checkpoint foreign = trainer.capture();
      Map<String, float[]> before = weights(backend, mine);
      WeightsMismatchException e =
          assertThrows(WeightsMismatchException.class, () -> mineTrainer.resume(foreign));
      assertTrue(e.getMessage().contains("fc2.weight"), e.getMessage());
      assertTrue(e.getMessage().contains("fc3.weight"), e.getMessage());
      Map<String, float[]> after = weights(backend, mine);
      for (String name : before.keySet()) {
        assertArrayEquals(before.get(name), after.get(name), name + " untouched");
      }
    }
  }

  @Test
  void truncatedCheckpointIsRefused(@TempDir Path dir) throws IOException {
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 16, 5);
        Trainer trainer = new Trainer(backend, net, settings, 5)) {
      Path file = dir.resolve("c.a4j");
      CheckpointFile.write(file, trainer.capture());
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
      FileFormatException e =
          assertThrows(FileFormatException.class, () -> CheckpointFile.read(file));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }
}
