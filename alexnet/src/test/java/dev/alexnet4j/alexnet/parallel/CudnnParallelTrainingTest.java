package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import dev.alexnet4j.backend.cudnn.RequiresCudnn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cuDNN backend on two devices, in every arrangement, trains like the ND4J backend on one: from
 * the same weights and batches, the same probabilities, loss, updated weights and momentum after
 * every step; and a checkpoint written by the two-device cuDNN run resumes on one ND4J device and
 * ends where the uninterrupted ND4J run ends.
 *
 * <p>In the build this runs on the emulated CUDA stack (two emulated devices): it proves the
 * multi-device logic, the peer copies, JCuda's marshalling and our use of the cuDNN and cuBLAS
 * APIs; it proves nothing about real GPU numerics or speed.
 */
@RequiresCudnn
class CudnnParallelTrainingTest {
  // The conformance suite's tolerance between backends (float sums in other orders, and the
  // emulator's double accumulation), relative to each tensor's scale.
  private static final double TOLERANCE = 2e-3;
  private static final long SEED = 11;
  private static final SgdHyperparameters SGD = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"model", "data", "hybrid"})
  void twoCudnnDevicesTrainLikeOneNd4jDevice(String name) {
    ParallelMode mode = ParallelModes.named(name);
    int batch = 8;
    Injector nd4j = SplitFixture.injector(SplitFixture.config("alexnet-small", ""));
    Injector cudnn = SplitFixture.injector(cudnnConfig("alexnet4j.model = alexnet-small"));
    NetworkSpec spec = SplitFixture.spec(nd4j);
    try (Backend cpu = SplitFixture.backend(nd4j);
        Backend gpu = SplitFixture.backend(cudnn)) {
      assertTrue(gpu.devices().size() >= 2, "two devices wanted, found " + gpu.devices());
      List<Device> two = gpu.devices().subList(0, 2);
      try (TrainableNetwork reference =
              mode.build(spec, cpu, cpu.devices().subList(0, 1), batch, SEED, StageObserver.NONE);
          TrainableNetwork split = mode.build(spec, gpu, two, batch, SEED, StageObserver.NONE)) {
        assertAllClose(mode + " initial weights", reference.parameters(), split.parameters());
        for (int step = 0; step < 3; step++) {
          float[] images =
              SplitFixture.gaussian(
                  Math.toIntExact(reference.inputShape().size()), SEED + step, 50);
          int[] labels = SplitFixture.labels(batch, reference.classes(), SEED + step);
          String at = mode + " step " + step;
          for (Pass pass : List.of(Pass.inference(), Pass.training(SEED, step))) {
            String what = at + (pass.training() ? " train" : " eval");
            SplitFixture.assertClose(
                what + " probabilities",
                reference.forward(images, pass),
                split.forward(images, pass),
                TOLERANCE);
            float expected = reference.loss(labels);
            float actual = split.loss(labels);
            assertTrue(
                Math.abs(expected - actual) <= TOLERANCE * Math.max(1, Math.abs(expected)),
                what + " loss: cudnn " + actual + ", nd4j " + expected);
          }
          reference.backward(labels);
          split.backward(labels);
          reference.update(SGD);
          split.update(SGD);
          assertAllClose(at + " updated weights", reference.parameters(), split.parameters());
          assertAllClose(at + " momentum", reference.velocities(), split.velocities());
        }
      }
    }
  }

  @Test
  void twoDeviceCudnnCheckpointResumesOnOneNd4jDevice(@TempDir Path dir) throws IOException {
    Config cpuConfig = Alexnet4j.loadConfig(SMALL_NET);
    Config gpuConfig = cudnnConfig(SMALL_NET);
    Injector nd4j = Alexnet4j.createInjector(cpuConfig);
    Injector cudnn = Alexnet4j.createInjector(gpuConfig);
    NetworkSpec spec = SplitFixture.spec(nd4j);
    TrainingSettings settings = TrainingSettings.from(cpuConfig);
    try (Backend cpu = SplitFixture.backend(nd4j);
        Backend gpu = SplitFixture.backend(cudnn)) {
      List<Device> one = cpu.devices().subList(0, 1);
      List<Device> two = gpu.devices().subList(0, 2);
      Map<String, float[]> uninterrupted =
          run(spec, settings, new ModelParallelMode(), cpu, one, dir.resolve("nd4j"), null);
      Map<String, float[]> onTwo =
          run(spec, settings, new ModelParallelMode(), gpu, two, dir.resolve("cudnn"), null);
      SplitFixture.assertAllClose(
          "model split on two cudnn devices vs one nd4j device", uninterrupted, onTwo, TOLERANCE);
      Checkpoint fromTwo =
          CheckpointFile.read(new CheckpointStore(dir.resolve("cudnn"), 100).pathFor(8));
      SplitFixture.assertAllClose(
          "cudnn two-device checkpoint at step 8 resumed on one nd4j device (data parallel)",
          uninterrupted,
          run(spec, settings, new DataParallelMode(), cpu, one, dir.resolve("resumed"), fromTwo),
          TOLERANCE);
    }
  }

  private static final String SMALL_NET =
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

  private static Config cudnnConfig(String extra) {
    return Alexnet4j.loadConfig(extra + "\nalexnet4j { backend = cudnn, devices = [0, 1] }\n");
  }

  private static Map<String, float[]> run(
      NetworkSpec spec,
      TrainingSettings settings,
      ParallelMode mode,
      Backend backend,
      List<Device> devices,
      Path dir,
      Checkpoint resume)
      throws IOException {
    InMemoryDataSource train = new BarsProblem(12, 3).dataSource(96, 9);
    InMemoryDataSource validation = new BarsProblem(12, 4).dataSource(32, 0);
    long seed = resume == null ? 5 : 99;
    try (TrainableNetwork net =
            mode.build(spec, backend, devices, settings.batch(), seed, StageObserver.NONE);
        Trainer trainer = new Trainer(net, settings, 5)) {
      trainer.checkpointTo(new CheckpointStore(dir, 100), "{}");
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

  private static void assertAllClose(
      String what, Map<String, NpyArray> expected, Map<String, NpyArray> actual) {
    Map<String, float[]> e = new LinkedHashMap<>();
    Map<String, float[]> a = new LinkedHashMap<>();
    expected.forEach((name, array) -> e.put(name, array.data()));
    actual.forEach((name, array) -> a.put(name, array.data()));
    SplitFixture.assertAllClose(what, e, a, TOLERANCE);
  }
}
