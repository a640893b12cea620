package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import dev.alexnet4j.experiments.Experiments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alexnet4j experiment}: the list, the mistakes, and a small run end to end. */
class ExperimentCommandTest {
  @TempDir Path dir;

  @Test
  void listNamesEveryExperimentWithItsSection() {
    Run r = CliFixture.run("experiment", "--list");
    assertEquals(0, r.exitCode(), r.err());
    for (String name : Experiments.names()) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), r.out());
    }
    assertTrue(r.out().contains("Section 3.3"), r.out());
    assertEquals(6, r.out().strip().lines().count(), r.out());
  }

  @Test
  void anUnknownNameIsOneLineListingTheKnownOnes() {
    Run r = CliFixture.run("experiment", "relu-vs-sigmoid");
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("unknown experiment 'relu-vs-sigmoid'"), r.err());
    for (String name : Experiments.names()) {
      assertTrue(r.err().contains(name), r.err());
    }
  }

  @Test
  void noNameIsOneLineListingTheKnownOnes() {
    Run r = CliFixture.run("experiment");
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("name an experiment: relu-vs-tanh, lrn"), r.err());
  }

  @Test
  void missingFashionMnistSaysWhatToInstall() {
    UserError e =
        assertThrows(
            UserError.class, () -> ExperimentCommand.requireFashionMnist(dir.resolve("none")));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
  }

  @Test
  void theDefaultDataIsDebiansFashionMnist() throws IOException {
    assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), ExperimentCommand.FASHION_MNIST);
    Files.createFile(dir.resolve("train-images-idx3-ubyte.gz"));
    assertEquals(dir, ExperimentCommand.requireFashionMnist(dir));
  }

  @Test
  void missingDataGivenIsOneLine() {
    Run r =
        CliFixture.run(
            "experiment",
            "lrn",
            "--data",
            dir.resolve("nowhere").toString(),
            "--out",
            dir.toString());
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("does not exist"), r.err());
  }

  @Test
  void zeroSeedsIsOneLine() {
    Run r = CliFixture.run("experiment", "lrn", "--seeds", "0", "--data", dir.toString());
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("--seeds must be at least 1"), r.err());
  }

  @Test
  void aSmallRunWritesTheTableAndTheThreeFiles() throws IOException {
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path out = dir.resolve("out");
    Run r =
        CliFixture.run(
            "experiment",
            "relu-vs-tanh",
            "--data",
            data.toString(),
            "--epochs",
            "1",
            "--seeds",
            "2",
            "--out",
            out.toString(),
            "-Dalexnet4j.train.batch=8",
            "-Dalexnet4j.augment.workers=1");
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains("| epochs of training to 25% training error |"), r.out());
    assertTrue(r.out().contains("verdict: "), r.out());
    for (String f : new String[] {"results.md", "results.json", "error.png"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
  }
}
