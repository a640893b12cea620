package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.NoTrainingStepException;
import dev.alexnet4j.api.train.NonFiniteException;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingListener;
import dev.alexnet4j.api.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer applies the paper's update rule and stops on non-finite values. */
class TrainerTest {
  private static final String TINY =
      """
      alexnet4j {
        model = tiny
        models.tiny {
          input = [2, 1, 1]
          layers = [
            { name = fc, type = dense, units = 2 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
        train { epochs = 2, batch = 2, learning-rate = 0.1, schedule = constant }
      }
      """;

  @Test
  void twoStepsFollowThePapersUpdateRuleComputedByHand() {
    Config config = Alexnet4j.loadConfig(TINY);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    TrainingSettings settings = TrainingSettings.from(config);
    double[][] x = {{1, 2}, {-1, 0.5}};
    int[] y = {0, 1};
    double[][] w = {{0.1, -0.2}, {0.3, 0.05}};
    double[] b = {0.01, -0.02};
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, settings, 1)) {
      backend.upload(
          new float[] {0.1f, -0.2f, 0.3f, 0.05f}, net.parameters().get("fc.weight").value());
      backend.upload(new float[] {0.01f, -0.02f}, net.parameters().get("fc.bias").value());
      InMemoryDataSource data =
          new InMemoryDataSource(
              Shape.of(2, 1, 1), new float[] {1, 2, -1, 0.5f}, y, List.of("a", "b"), 0, false);
      trainer.fit(data, null);
      assertEquals(2, trainer.step());

      // The same two steps by hand, in double: v <- 0.9 v - 0.0005 lr w - lr dL/dw; w <- w + v.
      double lr = 0.1;
      double[][] vw = new double[2][2];
      double[] vb = new double[2];
      for (int step = 0; step < 2; step++) {
        double[][] gw = new double[2][2];
        double[] gb = new double[2];
        for (int n = 0; n < 2; n++) {
          double[] z = new double[2];
          for (int o = 0; o < 2; o++) {
            z[o] = b[o] + w[o][0] * x[n][0] + w[o][1] * x[n][1];
          }
          double m = Math.max(z[0], z[1]);
          double e0 = Math.exp(z[0] - m);
          double e1 = Math.exp(z[1] - m);
          double[] p = {e0 / (e0 + e1), e1 / (e0 + e1)};
          for (int o = 0; o < 2; o++) {
            double g = (p[o] - (y[n] == o ? 1 : 0)) / 2;
            gb[o] += g;
            gw[o][0] += g * x[n][0];
            gw[o][1] += g * x[n][1];
          }
        }
        for (int o = 0; o < 2; o++) {
          for (int i = 0; i < 2; i++) {
            vw[o][i] = 0.9 * vw[o][i] - 0.0005 * lr * w[o][i] - lr * gw[o][i];
            w[o][i] += vw[o][i];
          }
          vb[o] = 0.9 * vb[o] - 0.0005 * lr * b[o] - lr * gb[o];
          b[o] += vb[o];
        }
      }
      float[] trainedW = backend.download(net.parameters().get("fc.weight").value());
      float[] trainedB = backend.download(net.parameters().get("fc.bias").value());
      for (int o = 0; o < 2; o++) {
        for (int i = 0; i < 2; i++) {
          assertEquals(w[o][i], trainedW[o * 2 + i], 1e-6, "fc.weight[" + o + "][" + i + "]");
        }
        assertEquals(b[o], trainedB[o], 1e-6, "fc.bias[" + o + "]");
      }
      float[] velocity = trainer.model().velocities().get("fc.weight").data();
      assertEquals(vw[1][0], velocity[2], 1e-6, "momentum buffer of fc.weight[1][0]");
    }
  }

  @Test
  void nonFiniteLossStopsTheRunNamingStepAndLayer() {
    Config config = Alexnet4j.loadConfig(TINY);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, TrainingSettings.from(config), 1)) {
      InMemoryDataSource data =
          new InMemoryDataSource(
              Shape.of(2, 1, 1),
              new float[] {1, Float.NaN, 2, 3},
              new int[] {0, 1},
              List.of("a", "b"),
              0,
              false);
      List<String> ended = new ArrayList<>();
      trainer.addListener(
          new TrainingListener() {
            @Override
            public void runEnded(String reason) {
              ended.add(reason);
            }
          });
      NonFiniteException e = assertThrows(NonFiniteException.class, () -> trainer.fit(data, null));
      assertEquals(0, e.step());
      assertEquals("fc", e.layer());
      assertTrue(e.getMessage().startsWith("step 0: the loss is NaN"), e.getMessage());
      assertTrue(e.getMessage().contains("(first bad values in layer 'fc')"), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains("Try a lower learning rate: it was 0.1 at this step, so e.g. 0.01"),
          e.getMessage());
      assertEquals(1, ended.size());
      assertEquals(0, trainer.step(), "the bad step was not applied");
    }
  }

  @Test
  void dataThatDoesNotFitTheNetworkIsRefusedUpFront() {
    Config config = Alexnet4j.loadConfig(TINY);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, TrainingSettings.from(config), 1)) {
      InMemoryDataSource threeClasses =
          new InMemoryDataSource(
              Shape.of(2, 1, 1), new float[4], new int[] {0, 2}, List.of("a", "b", "c"), 0, false);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> trainer.fit(threeClasses, null));
      assertEquals(
          "the training data has 3 classes but the network has 2 outputs; set the class count in"
              + " config to match",
          e.getMessage());
    }
  }

  /**
   * A source of {@code size} samples of which only {@code readable} can be read, as a loader
   * delivers them: full batches but the last; {@code unreadableFirst} unreadable files are met
   * before the first batch, the rest only when the end of the epoch is looked for.
   */
  private static DataSource withUnreadable(int size, int readable, int unreadableFirst) {
    return new DataSource() {
      @Override
      public Shape sampleShape() {
        return Shape.of(2, 1, 1);
      }

      @Override
      public List<String> classNames() {
        return List.of("a", "b");
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public BatchIterator epoch(int epoch, int batchSize) {
        return new BatchIterator() {
          private int delivered;
          private int skipped;

          @Override
          public boolean hasNext() {
            if (delivered < readable) {
              return true;
            }
            // Only trying the rest of the epoch finds its last unreadable files.
            skipped = size - readable;
            return false;
          }

          @Override
          public Batch next() {
            if (delivered >= readable) {
              throw new NoSuchElementException();
            }
            // The first unreadable files come before the first batch, the rest after the last.
            skipped = delivered == 0 ? unreadableFirst : skipped;
            int count = Math.min(batchSize, readable - delivered);
            delivered += count;
            Batch b = Batch.allocate(Shape.of(batchSize, 2, 1, 1));
            for (int i = 0; i < count; i++) {
              b.images()[2 * i] = i % 2;
              b.labels()[i] = i % 2;
            }
            b.setCount(count);
            return b;
          }

          @Override
          public int skipped() {
            return skipped;
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Listeners hear of each checkpoint before it is written, after every step and epoch it covers: a
   * log flushed then has no hole when a run is resumed from that checkpoint after a crash.
   */
  @Test
  void listenersHearOfACheckpointBeforeItIsWrittenAndAfterWhatItCovers(@TempDir Path dir)
      throws IOException {
    Config config =
        Alexnet4j.loadConfig(TINY)
            .withValue("alexnet4j.train.checkpoint.every-steps", ConfigValueFactory.fromAnyRef(1));
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    List<String> events = new ArrayList<>();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, TrainingSettings.from(config), 1)) {
      trainer.checkpointTo(new CheckpointStore(dir, 100), "");
      trainer.addListener(
          new TrainingListener() {
            @Override
            public void stepEnded(StepReport r) {
              events.add("step " + r.step());
            }

            @Override
            public void epochEnded(EpochReport r) {
              events.add("epoch " + r.epoch());
            }

            @Override
            public void checkpointing(long step) {
              events.add(
                  "checkpoint "
                      + step
                      + (trainer.lastCheckpoint() == null
                          ? ""
                          : " after " + trainer.lastCheckpoint().getFileName()));
            }
          });
      InMemoryDataSource data =
          new InMemoryDataSource(
              Shape.of(2, 1, 1),
              new float[] {1, 2, -1, 0.5f, 0.5f, 1, 2, -1},
              new int[] {0, 1, 1, 0},
              List.of("a", "b"),
              0,
              false);
      trainer.fit(data, null);
    }
    assertEquals(
        List.of(
            "step 0",
            "checkpoint 1",
            "step 1",
            "epoch 0",
            "checkpoint 2 after checkpoint-0000000001.a4j",
            "step 2",
            "checkpoint 3 after checkpoint-0000000002.a4j",
            "step 3",
            "epoch 1",
            "checkpoint 4 after checkpoint-0000000003.a4j"),
        events);
  }

  @Test
  void skippedFilesAreCountedOverTheWholeEpochEvenPastItsLastStep() {
    Config config = Alexnet4j.loadConfig(TINY);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, TrainingSettings.from(config), 1)) {
      // 11 files in batches of 2: the 5 steps are trained before the unreadable last file is met.
      EpochReport last = trainer.fit(withUnreadable(11, 10, 0), null);
      assertEquals(10, trainer.step(), "5 full batches of 2 in each of 2 epochs");
      assertEquals(1, last.skippedFiles());
    }
  }

  @Test
  void runThatCannotTrainOneStepFailsAndSaysWhy() {
    Config config = Alexnet4j.loadConfig(TINY);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    List<String> ended = new ArrayList<>();
    try (Backend backend = injector.getInstance(Backend.class);
        Network net = spec.build(backend, backend.devices().get(0), 2, 1);
        Trainer trainer = new Trainer(backend, net, TrainingSettings.from(config), 1)) {
      trainer.addListener(
          new TrainingListener() {
            @Override
            public void runEnded(String reason) {
              ended.add(reason);
            }
          });
      NoTrainingStepException e =
          assertThrows(
              NoTrainingStepException.class, () -> trainer.fit(withUnreadable(5, 1, 1), null));
      assertEquals(
          "epoch 0 trained no step: 4 of 5 training images could not be read (the log names each"
              + " and why), and the rest do not fill one batch of 2; fix or remove the"
              + " unreadable files, or lower the batch size",
          e.getMessage());
      assertEquals(0, trainer.step());
      assertTrue(ended.get(0).startsWith("failed at step 0"), ended.toString());

      NoTrainingStepException tooFew =
          assertThrows(
              NoTrainingStepException.class, () -> trainer.fit(withUnreadable(1, 1, 0), null));
      assertEquals(
          "the training set has 1 samples, fewer than one batch of 2", tooFew.getMessage());
    }
  }
}
