package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on image folders with some files no decoder can read among the good ones. */
class UnreadableImagesTest {
  @TempDir Path dir;

  /** Zero-byte, truncated and garbage files, sorted in among the good ones of each class. */
  private static void addUnreadable(Path train) throws IOException {
    byte[] png = Files.readAllBytes(train.resolve("red/red0.png"));
    Files.write(train.resolve("blue/blue0a.png"), new byte[0]);
    Files.write(train.resolve("red/red1a.png"), Arrays.copyOf(png, png.length / 2));
    Files.writeString(train.resolve("blue/blue5a.png"), "not a picture at all");
    Files.write(train.resolve("red/red7a.jpg"), new byte[0]);
  }

  @Test
  void unreadableFilesCostOnlyThemselvesAndAreCountedExactly() throws IOException {
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    addUnreadable(data.resolve("train"));
    Path runFolder = dir.resolve("run");
    Run r =
        run(
            "train",
            "--config",
            CliFixture.config(dir).toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4");
    assertEquals(0, r.exitCode(), "stderr: " + r.err() + " stdout: " + r.out());
    // 48 readable of 52 files in batches of 8: 6 full steps an epoch, as without the bad files.
    assertTrue(r.out().contains("finished at step 12"), r.out());
    List<String> epochs =
        Files.readAllLines(runFolder.resolve("metrics.jsonl")).stream()
            .filter(l -> l.startsWith("{\"kind\":\"epoch\""))
            .toList();
    assertEquals(2, epochs.size(), epochs.toString());
    for (String line : epochs) {
      assertTrue(line.contains("\"skipped_files\":4,"), line);
    }
  }

  @Test
  void runThatTrainsNoStepFailsWithOneLine() throws IOException {
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path train = data.resolve("train");
    // 3 readable images a class and 4 unreadable: 10 files, but not one batch of 8 to train on.
    for (String cls : List.of("blue", "red")) {
      try (Stream<Path> files = Files.list(train.resolve(cls))) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (!List.of(cls + "0.png", cls + "1.png", cls + "2.png").contains(name)) {
            Files.delete(f);
          }
        }
      }
    }
    addUnreadable(train);
    Run r =
        run(
            "train",
            "--config",
            CliFixture.config(dir).toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("run").toString());
    assertEquals(Main.USER_ERROR, r.exitCode(), "stderr: " + r.err() + " stdout: " + r.out());
    assertTrue(
        r.err()
            .contains(
                "alexnet4j: epoch 0 trained no step: 4 of 10 training images could not be read"),
        r.err());
    assertTrue(r.err().contains("do not fill one batch of 8"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(r.out().contains("finished"), r.out());
  }
}
