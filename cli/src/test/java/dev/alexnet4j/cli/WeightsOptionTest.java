package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.Npy;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.checkpoint.Npz;
import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --weights FILE.npz --model NAME} in place of {@code --checkpoint}, and {@code train
 * --init-weights}: a trained checkpoint exported to an .npz gives the same answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WeightsOptionTest {
  private Path dir;
  private Path data;
  private Path config;
  private Path runFolder;
  private Path checkpoint;
  private Path npz;

  @BeforeAll
  void trainAndExport(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    data = CliFixture.imageFolders(dir.resolve("data"));
    config = CliFixture.config(dir);
    runFolder = dir.resolve("run");
    assertOk(
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4"));
    checkpoint = runFolder.resolve("checkpoints/best.a4j");
    // What the Java API exports (WeightsFile.export writes the same arrays from a live network).
    npz = dir.resolve("weights/tiny.npz");
    Files.createDirectories(npz.getParent());
    Npz.write(npz, CheckpointFile.read(checkpoint).parameters());
  }

  private static void assertOk(Run r) {
    assertEquals(0, r.exitCode(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
  }

  private static void assertUserError(Run r, String expected) {
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private List<String> weights(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("--weights", npz.toString(), "--model", "tiny", "--config", config.toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static Run runList(List<String> args) {
    return CliFixture.run(args.toArray(String[]::new));
  }

  @Test
  void predictWithWeightsGivesTheCheckpointsAnswers() {
    Path images = data.resolve("val");
    Run fromCheckpoint =
        run("predict", "--checkpoint", checkpoint.toString(), "--json", images.toString());
    assertOk(fromCheckpoint);
    List<String> args = new ArrayList<>(List.of("predict"));
    args.addAll(
        weights(
            "--classes",
            runFolder.resolve("classes.txt").toString(),
            "--statistics",
            runFolder.resolve("statistics.bin").toString(),
            "--json",
            images.toString()));
    Run fromWeights = runList(args);
    assertOk(fromWeights);
    assertEquals(fromCheckpoint.out(), fromWeights.out());

    // Without --classes the outputs are numbered; the statistics come from the configured data.
    List<String> numbered = new ArrayList<>(List.of("predict"));
    numbered.addAll(weights("-Dalexnet4j.augment.data.root=" + data, "--json", images.toString()));
    Run n = runList(numbered);
    assertOk(n);
    assertEquals(
        fromCheckpoint.out().replace("\"blue\"", "\"class_0\"").replace("\"red\"", "\"class_1\""),
        n.out());
  }

  @Test
  void predictWithWeightsAndNoStatisticsIsRefused() {
    List<String> args = new ArrayList<>(List.of("predict"));
    args.addAll(weights(data.resolve("val/red/red0.png").toString()));
    assertUserError(runList(args), "give --statistics RUN/statistics.bin");
  }

  @Test
  void evalWithWeightsGivesTheCheckpointsFigures() {
    Run fromCheckpoint =
        run(
            "eval",
            "--checkpoint",
            checkpoint.toString(),
            "--data",
            data.toString(),
            "--csv",
            dir.resolve("c.csv").toString());
    assertOk(fromCheckpoint);
    // The classes are the data's; the statistics are computed from data/train, as train did.
    List<String> args = new ArrayList<>(List.of("eval"));
    args.addAll(weights("--data", data.toString()));
    Run fromWeights = runList(args);
    assertOk(fromWeights);
    assertTrue(
        fromWeights.out().startsWith("16 images, centre crop: top-1 error"), fromWeights.out());
    assertEquals(fromCheckpoint.out().lines().findFirst(), fromWeights.out().lines().findFirst());
    assertTrue(Files.isRegularFile(npz.resolveSibling("tiny-centre-per-class.csv")));
  }

  @Test
  void featuresWithWeightsAreTheCheckpoints() throws IOException {
    Path a = dir.resolve("f/a.npy");
    Path b = dir.resolve("f/b.npy");
    String val = data.resolve("val").toString();
    assertOk(
        run(
            "features",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc2",
            "--data",
            val,
            "--out",
            a.toString()));
    List<String> args = new ArrayList<>(List.of("features"));
    args.addAll(
        weights(
            "--statistics",
            runFolder.resolve("statistics.bin").toString(),
            "--layer",
            "fc2",
            "--data",
            val,
            "--out",
            b.toString()));
    assertOk(runList(args));
    assertArrayEquals(Npy.read(a).data(), Npy.read(b).data());
  }

  @Test
  void filtersWithWeights() {
    Path out = dir.resolve("filters.png");
    List<String> args = new ArrayList<>(List.of("filters"));
    args.addAll(weights("--out", out.toString()));
    Run r = runList(args);
    assertOk(r);
    assertTrue(r.out().startsWith("4 kernels of conv1 (3x3x3) drawn to"), r.out());
  }

  @Test
  void weightsOfAnotherShapeAreRefusedNamingEachMismatch() throws IOException {
    Path other = dir.resolve("other.conf");
    Files.writeString(other, Files.readString(config).replace("filters = 4", "filters = 6"));
    String[] expected = {
      "parameter conv1.weight: shape differs, expected [6, 3, 3, 3], found [4, 3, 3, 3]",
      "parameter conv1.bias: shape differs, expected [6], found [4]",
      "parameter fc2.weight: shape differs, expected [2, 54], found [2, 36]"
    };
    for (String command : new String[] {"eval", "predict", "filters"}) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  command,
                  "--weights",
                  npz.toString(),
                  "--model",
                  "tiny",
                  "--config",
                  other.toString(),
                  "--statistics",
                  runFolder.resolve("statistics.bin").toString()));
      if (command.equals("eval")) {
        args.addAll(List.of("--data", data.toString()));
      } else if (command.equals("predict")) {
        args.add(data.resolve("val/red/red0.png").toString());
      }
      Run r = runList(args);
      assertUserError(r, "tiny.npz does not fit the network: 3 mismatches, nothing was loaded");
      for (String line : expected) {
        assertTrue(r.err().contains(line), command + ": " + r.err());
      }
    }
    Path refused = dir.resolve("refused");
    Run t =
        run(
            "train",
            "--config",
            other.toString(),
            "--data",
            data.toString(),
            "--out",
            refused.toString(),
            "--init-weights",
            npz.toString());
    assertUserError(t, expected[0]);
    assertFalse(Files.exists(refused), "a refused run leaves no run folder");
  }

  @Test
  void weightsAndCheckpointAreExclusive() {
    Run both =
        run(
            "predict",
            "--checkpoint",
            checkpoint.toString(),
            "--weights",
            npz.toString(),
            "--model",
            "tiny",
            data.resolve("val/red/red0.png").toString());
    assertEquals(Main.USER_ERROR, both.exitCode(), both.err());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    Run noModel = run("eval", "--weights", npz.toString(), "--data", data.toString());
    assertEquals(Main.USER_ERROR, noModel.exitCode(), noModel.err());
    assertTrue(noModel.err().contains("--model"), noModel.err());
    Run neither = run("eval", "--data", data.toString());
    assertEquals(Main.USER_ERROR, neither.exitCode(), neither.err());
    assertTrue(neither.err().contains("--checkpoint"), neither.err());
  }

  @Test
  void trainStartsFromInitWeights() throws IOException {
    Path fineTuned = dir.resolve("fine-tuned");
    // At learning rate 0 no update moves a weight: the run's checkpoint holds the initial ones.
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            fineTuned.toString(),
            "--seed",
            "9",
            "--epochs",
            "1",
            "--lr",
            "0",
            "--init-weights",
            npz.toString());
    assertOk(r);
    assertTrue(r.out().contains("initial weights from " + npz), r.out());
    Map<String, NpyArray> initial = Npz.read(npz);
    Checkpoint after;
    try (Stream<Path> files = Files.list(fineTuned.resolve("checkpoints"))) {
      Path last =
          files
              .filter(p -> p.getFileName().toString().startsWith("checkpoint-"))
              .sorted()
              .reduce((x, y) -> y)
              .orElseThrow();
      after = CheckpointFile.read(last);
    }
    assertEquals(initial.keySet(), after.parameters().keySet());
    initial.forEach(
        (name, array) ->
            assertArrayEquals(array.data(), after.parameters().get(name).data(), name));

    // Without --init-weights the same run starts from its own random weights.
    Path fresh = dir.resolve("fresh");
    assertOk(
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            fresh.toString(),
            "--seed",
            "9",
            "--epochs",
            "1",
            "--lr",
            "0"));
    Checkpoint random = CheckpointFile.read(fresh.resolve("checkpoints/best.a4j"));
    assertNotEquals(
        java.util.Arrays.toString(initial.get("conv1.weight").data()),
        java.util.Arrays.toString(random.parameters().get("conv1.weight").data()));
  }

  @Test
  void initWeightsWithResumeIsRefused() {
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--init-weights",
            npz.toString(),
            "--resume");
    assertUserError(r, "--init-weights and --resume do not go together");
  }
}
