package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a new user makes: each is one line naming what to change, exit code 2, and leaves no
 * half-made run folder behind (nor touches an earlier run's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserMistakesTest {
  private Path dir;
  private Path data;
  private Path config;
  private Path trained;

  @BeforeAll
  void trainOnce(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    data = CliFixture.imageFolders(dir.resolve("data"));
    config = CliFixture.config(dir);
    trained = dir.resolve("trained");
    Run r = train(trained, "--epochs", "1");
    assertEquals(0, r.exitCode(), r.err());
  }

  private Run train(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--config",
                config.toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--seed",
                "4"));
    args.addAll(Arrays.asList(more));
    return run(args.toArray(String[]::new));
  }

  private static void assertOneLineUserError(Run r, String expected) {
    assertEquals(Main.USER_ERROR, r.exitCode(), "stderr: " + r.err() + " stdout: " + r.out());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("alexnet4j:")).count(), r.err());
  }

  /** Every file under {@code root} with its content, to see that nothing changed. */
  private static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        all.put(root.relativize(p).toString(), Arrays.toString(Files.readAllBytes(p)));
      }
    }
    return all;
  }

  @Test
  void classesOfTheDataThatTheModelDoesNotHaveNameTheKeyAndBothNumbers() throws IOException {
    Path three = CliFixture.imageFolders(dir.resolve("three"));
    for (String split : List.of("train", "val")) {
      Path green = Files.createDirectories(three.resolve(split).resolve("green"));
      try (Stream<Path> reds = Files.list(three.resolve(split).resolve("red"))) {
        for (Path p : reds.toList()) {
          Files.copy(p, green.resolve(p.getFileName()));
        }
      }
    }
    Path out = dir.resolve("run-three");
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            three.toString(),
            "--out",
            out.toString());
    assertOneLineUserError(
        r,
        "has 3 classes but the model tiny has 2 outputs: set"
            + " alexnet4j.models.tiny.layers[4].units = 3");
    assertFalse(Files.exists(out), "no run folder for a refused run");
  }

  /** A backend setting the backend itself rejects, not the config schema: still one line. */
  @Test
  void aBadBackendSettingNamesItsKey() {
    Path out = dir.resolve("run-mkldnn");
    Run r = train(out, "-Dalexnet4j.nd4j.convolution=mkldnn");
    assertOneLineUserError(r, "alexnet4j.nd4j.convolution");
    assertTrue(r.err().contains("'mkldnn'"), r.err());
    assertFalse(Files.exists(out), "no run folder for a refused run");
  }

  @Test
  void refusedRunsLeaveNoRunFolder() throws IOException {
    Path notACheckpoint = Files.writeString(dir.resolve("notes.a4j"), "not a checkpoint");
    List<List<String>> mistakes =
        List.of(
            List.of("--parallel", "sideways"),
            List.of("--devices", "5"),
            List.of(
                "-Dalexnet4j.nd4j.virtual-devices=2",
                "--devices",
                "0,1",
                "--parallel",
                "data",
                "--batch",
                "7"),
            List.of("--resume", dir.resolve("nowhere.a4j").toString()),
            List.of("--resume", notACheckpoint.toString()),
            List.of("--batch", "1000"));
    int i = 0;
    for (List<String> mistake : mistakes) {
      Path out = dir.resolve("refused" + i++);
      Run r = train(out, mistake.toArray(String[]::new));
      assertEquals(Main.USER_ERROR, r.exitCode(), mistake + ": " + r.err());
      assertFalse(r.err().contains("internal error"), mistake + ": " + r.err());
      assertFalse(r.out().contains("run folder"), mistake + ": " + r.out());
      assertFalse(Files.exists(out), mistake + " left " + out);
    }
  }

  @Test
  void aFailedResumeLeavesTheEarlierRunAsItWas() throws IOException {
    Path other = dir.resolve("wider.conf");
    Files.writeString(other, Files.readString(config).replace("filters = 4", "filters = 6"));
    Map<String, String> before = contents(trained);
    Run r =
        run(
            "train",
            "--config",
            other.toString(),
            "--data",
            data.toString(),
            "--out",
            trained.toString(),
            "--resume");
    assertOneLineUserError(r, "conv1.weight");
    assertEquals(before, contents(trained));
  }

  @Test
  void aRunThatFailsBeforeItsFirstStepRemovesWhatItMade() throws IOException {
    Path few = CliFixture.imageFolders(dir.resolve("few"));
    for (String cls : List.of("blue", "red")) {
      try (Stream<Path> files = Files.list(few.resolve("train").resolve(cls))) {
        for (Path f : files.toList()) {
          if (!f.getFileName().toString().matches("(blue|red)[0-2]\\.png")) {
            Files.delete(f);
          }
        }
      }
      // 6 readable and 4 unreadable: 10 files, not one batch of 8 to train on.
      Files.write(few.resolve("train").resolve(cls).resolve(cls + "8.png"), new byte[0]);
      Files.writeString(few.resolve("train").resolve(cls).resolve(cls + "9.png"), "garbage");
    }
    Path out = dir.resolve("nothing-trained");
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            few.toString(),
            "--out",
            out.toString());
    assertOneLineUserError(r, "trained no step");
    assertFalse(Files.exists(out), "a run that trained nothing leaves nothing");
  }

  @Test
  void outThatIsAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "mine");
    assertOneLineUserError(train(file), "is a file, not a folder");
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void evalWithBatchZero() {
    Path checkpoint = trained.resolve("checkpoints/best.a4j");
    assertOneLineUserError(
        run("eval", "--checkpoint", checkpoint.toString(), "--batch", "0"),
        "--batch must be at least 1, got 0");
  }

  @Test
  void outputFilesThatAreFolders() throws IOException {
    Path checkpoint = trained.resolve("checkpoints/best.a4j");
    Path folder = Files.createDirectories(dir.resolve("a-folder"));
    Path image = data.resolve("val/red/red0.png");
    assertOneLineUserError(
        run(
            "predict",
            "--checkpoint",
            checkpoint.toString(),
            "--png",
            folder.toString(),
            image.toString()),
        folder.toString());
    assertOneLineUserError(
        run("eval", "--checkpoint", checkpoint.toString(), "--csv", folder.toString()),
        folder.toString());
  }

  @Test
  void divergenceNamesTheStepTheLayerAndALowerLearningRate() {
    Run r = train(dir.resolve("diverged"), "--lr", "1e6", "--epochs", "5");
    assertOneLineUserError(r, "step ");
    assertTrue(r.err().contains("(first bad values in layer '"), r.err());
    assertTrue(
        r.err().contains("Try a lower learning rate: it was 1000000 at this step, so e.g. 100000"),
        r.err());
  }
}
