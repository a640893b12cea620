package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.BackendProvider;
import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Each command driven in-process, on data and a model made here; they build on one run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandsTest {
  private Path dir;
  private Path data;
  private Path config;
  private Path runFolder;

  @BeforeAll
  void makeData(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    data = CliFixture.imageFolders(dir.resolve("data"));
    config = CliFixture.config(dir);
    runFolder = dir.resolve("run");
  }

  private static void assertOk(Run r) {
    assertEquals(0, r.exitCode(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
  }

  @Test
  @Order(1)
  void trainWritesARunFolder() throws IOException {
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4");
    assertOk(r);
    assertTrue(r.out().contains("finished at step 12"), r.out());
    assertTrue(r.out().contains("validation top-1 error"), r.out());
    assertTrue(Files.isRegularFile(runFolder.resolve("config.conf")));
    assertEquals(List.of("blue", "red"), Files.readAllLines(runFolder.resolve("classes.txt")));
    assertTrue(Files.isRegularFile(runFolder.resolve("statistics.bin")));
    assertTrue(Files.isRegularFile(runFolder.resolve("checkpoints/best.a4j")));
    assertTrue(Files.isRegularFile(runFolder.resolve("checkpoints/checkpoint-0000000012.a4j")));
    List<String> metrics = Files.readAllLines(runFolder.resolve("metrics.jsonl"));
    assertEquals(12 + 2 + 1, metrics.size(), "12 steps, 2 epochs and the end of the run logged");
    assertTrue(metrics.get(0).startsWith("{\"kind\":\"step\""), metrics.get(0));
    try (Stream<Path> charts = Files.list(runFolder.resolve("charts"))) {
      assertTrue(charts.anyMatch(p -> p.toString().endsWith("loss.png")));
    }
  }

  @Test
  @Order(2)
  void resumeContinuesFromTheLatestCheckpoint() {
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4",
            "--epochs",
            "3",
            // The one-device run's checkpoint continues on two devices, the hybrid split.
            "-Dalexnet4j.nd4j.virtual-devices=2",
            "--devices",
            "0,1",
            "--parallel",
            "hybrid",
            "--resume");
    assertOk(r);
    assertTrue(r.out().contains("resumed at epoch 2, step 12"), r.out());
    assertTrue(r.out().contains("finished at step 18"), r.out());
  }

  @Test
  @Order(3)
  void evalReportsErrorsAndWritesPerClassCsv() throws IOException {
    Path checkpoint = runFolder.resolve("checkpoints/checkpoint-0000000018.a4j");
    Run r =
        run(
            "eval",
            "--checkpoint",
            checkpoint.toString(),
            "--data",
            data.resolve("val").toString());
    assertOk(r);
    assertTrue(r.out().startsWith("16 images, centre crop: top-1 error"), r.out());
    Path csv = runFolder.resolve("checkpoints/checkpoint-0000000018-centre-per-class.csv");
    List<String> lines = Files.readAllLines(csv);
    assertEquals("class,images,top1_error,top5_error", lines.get(0));
    assertTrue(lines.get(1).startsWith("blue,8,"), lines.get(1));
  }

  @Test
  @Order(4)
  void evalWithTenViews() {
    Path checkpoint = runFolder.resolve("checkpoints/best.a4j");
    Run r = run("eval", "--checkpoint", checkpoint.toString(), "--ten-crop", "--batch", "4");
    assertOk(r);
    assertTrue(r.out().startsWith("16 images, ten views: top-1 error"), r.out());
  }

  @Test
  @Order(5)
  void predictPrintsRankedClasses() {
    Path checkpoint = runFolder.resolve("checkpoints/best.a4j");
    Path image = data.resolve("val/red/red0.png");
    Run text = run("predict", "--checkpoint", checkpoint.toString(), image.toString());
    assertOk(text);
    assertTrue(text.out().contains("1. red") || text.out().contains("1. blue"), text.out());
    Run json = run("predict", "--checkpoint", checkpoint.toString(), "--json", image.toString());
    assertOk(json);
    assertTrue(json.out().startsWith("{\"image\":"), json.out());
    assertTrue(json.out().contains("\"probability\":"), json.out());
  }

  @Test
  @Order(6)
  void benchPrintsPerLayerTimes() {
    Run r =
        run(
            "bench",
            "--config",
            config.toString(),
            "--batch",
            "4",
            "--inference-batch",
            "4",
            "--warmup",
            "1",
            "--iterations",
            "2");
    assertOk(r);
    assertTrue(r.out().contains("conv1"), r.out());
    assertTrue(r.out().contains("training step:"), r.out());
    Run j =
        run(
            "bench",
            "--config",
            config.toString(),
            "--batch",
            "4",
            "--warmup",
            "0",
            "--iterations",
            "1",
            "--json");
    assertOk(j);
    assertTrue(j.out().contains("\"train_images_per_second\""), j.out());
  }

  @Test
  @Order(7)
  void infoListsBackendsAndConfig() {
    Run r = run("info", "--config", config.toString());
    assertOk(r);
    assertTrue(r.out().contains("nd4j     can run here"), r.out());
    assertTrue(r.out().contains("effective config:"), r.out());
    assertTrue(r.out().contains("total"), r.out());
  }

  @Test
  @Order(8)
  void helpDescribesEveryCommand() {
    Run r = run("--help");
    assertOk(r);
    for (String command : List.of("train", "eval", "predict", "bench", "info")) {
      assertTrue(r.out().contains(command), r.out());
    }
    Run train = run("train", "--help");
    assertTrue(train.out().contains("--resume"), train.out());
  }

  // ---- errors: one line, non-zero exit, no stack trace -------------------------------------

  private static void assertUserError(Run r, String expected) {
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  @Order(10)
  void missingDataFolder() {
    Run r =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            dir.resolve("nowhere").toString(),
            "--out",
            dir.resolve("r2").toString());
    assertUserError(r, "does not exist");
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  @Order(11)
  void unreadableConfig() throws IOException {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "alexnet4j { train { epochs = ");
    Run r = run("train", "--config", bad.toString());
    assertUserError(r, "bad.conf");
  }

  @Test
  @Order(12)
  void unknownOption() {
    Run r = run("train", "--epochz", "3");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Unknown options: '--epochz'"), r.err());
  }

  @Test
  @Order(13)
  void backendThatIsNotHere() {
    // The cuDNN backend is on the class path; this checks the refusal where it cannot run.
    Assumptions.assumeFalse(
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .anyMatch(p -> p.name().equals("cudnn") && p.availability().available()),
        "cuDNN can run on this machine");
    Run r = run("info", "--config", config.toString(), "--backend", "cudnn");
    // info still reports what it can; train refuses.
    Run t =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--backend",
            "cudnn");
    assertUserError(t, "alexnet4j.backend: backend 'cudnn' cannot run here");
    assertTrue(t.err().contains("libcudnn.so.8"), "names the library it looked for: " + t.err());
    assertEquals(0, r.exitCode(), r.err());
  }

  @Test
  @Order(14)
  void checkpointOfAnotherArchitecture() throws IOException {
    Path other = dir.resolve("other.conf");
    Files.writeString(other, Files.readString(config).replace("filters = 4", "filters = 6"));
    Path checkpoint = runFolder.resolve("checkpoints/best.a4j");
    Run r = run("eval", "--checkpoint", checkpoint.toString(), "--config", other.toString());
    assertUserError(r, "conv1.weight");
  }

  @Test
  @Order(15)
  void misspelledKey() {
    Run r = run("train", "--config", config.toString(), "-Dalexnet4j.train.epoch=3");
    assertUserError(r, "alexnet4j.train.epoch: unknown key; did you mean 'epochs'?");
  }
}
