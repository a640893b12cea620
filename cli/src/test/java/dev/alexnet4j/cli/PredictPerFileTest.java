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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} on a mix of good images, an unreadable one, a missing one and folders: every
 * readable image is predicted, each failure is named with its path and reason, exit code 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictPerFileTest {
  private Path dir;
  private Path checkpoint;
  private Path good;
  private Path corrupt;
  private Path missing;
  private Path folder;
  private Path empty;

  @BeforeAll
  void trainOnce(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path run = dir.resolve("run");
    Run r =
        run(
            "train",
            "--config",
            CliFixture.config(dir).toString(),
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--epochs",
            "1");
    assertEquals(0, r.exitCode(), r.err());
    checkpoint = run.resolve("checkpoints/best.a4j");
    good = data.resolve("val/red/red0.png");
    corrupt = Files.writeString(dir.resolve("corrupt.png"), "not a picture");
    missing = dir.resolve("missing.png");
    folder = Files.createDirectories(dir.resolve("folder/sub"));
    Files.copy(data.resolve("val/blue/blue1.png"), folder.resolve("b.png"));
    Files.copy(data.resolve("val/red/red1.png"), dir.resolve("folder/a.png"));
    Files.writeString(dir.resolve("folder/notes.txt"), "not an image, and not taken from a folder");
    folder = dir.resolve("folder");
    empty = Files.createDirectories(dir.resolve("empty"));
  }

  private Run predict(String... options) {
    List<String> args = new ArrayList<>(List.of("predict", "--checkpoint", checkpoint.toString()));
    args.addAll(List.of(options));
    args.addAll(
        List.of(
            good.toString(),
            corrupt.toString(),
            missing.toString(),
            folder.toString(),
            empty.toString()));
    return run(args.toArray(String[]::new));
  }

  private void assertFailuresNamed(Run r) {
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("alexnet4j: " + corrupt + ": cannot decode it: "), r.err());
    assertTrue(r.err().contains("alexnet4j: " + missing + ": no such file"), r.err());
    assertTrue(r.err().contains("alexnet4j: " + empty + ": a folder with no image files"), r.err());
    assertTrue(r.err().contains("alexnet4j: 3 of 6 images could not be predicted"), r.err());
    assertFalse(r.err().contains("epoch"), "no epoch in predict: " + r.err());
    assertFalse(r.err().contains("notes.txt"), r.err());
  }

  @Test
  void textPredictsEveryReadableImageAndNamesEachFailure() {
    Run r = predict();
    assertFailuresNamed(r);
    List<String> headers = r.out().lines().filter(l -> !l.startsWith(" ")).toList();
    assertEquals(
        List.of(
            good.toString(),
            folder.resolve("a.png").toString(),
            folder.resolve("sub/b.png").toString()),
        headers);
    assertEquals(3 * 3, r.out().lines().count(), "a header and two classes each: " + r.out());
  }

  @Test
  void jsonHasAnObjectPerImageFailuresIncluded() {
    Run r = predict("--json");
    assertFailuresNamed(r);
    List<String> lines = r.out().lines().toList();
    assertEquals(6, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("{\"image\":\"" + good + "\",\"top5\":["), lines.get(0));
    assertTrue(
        lines.get(1).startsWith("{\"image\":\"" + corrupt + "\",\"error\":\"cannot decode it: "),
        lines.get(1));
    assertEquals("{\"image\":\"" + missing + "\",\"error\":\"no such file\"}", lines.get(2));
    assertTrue(lines.get(4).contains("sub/b.png\",\"top5\":["), lines.get(4));
  }

  @Test
  void pngDrawsTheReadableImages() {
    Path png = dir.resolve("predictions.png");
    Run r = predict("--png", png.toString());
    assertFailuresNamed(r);
    assertTrue(Files.isRegularFile(png), r.out());
    assertTrue(r.out().contains("picture: " + png), r.out());
  }
}
