package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {
  @TempDir Path tmp;

  @Test
  void preparesSquaresReportsUnreadableAndResumes() throws Exception {
    Path src = CliFixture.imageFolders(tmp.resolve("src"));
    Files.write(src.resolve("train/red/broken.png"), new byte[] {1, 2, 3});
    Path dest = tmp.resolve("dest");
    String[] args = {
      "prepare",
      src.toString(),
      dest.toString(),
      "--quality",
      "85",
      "--workers",
      "2",
      "-Dalexnet4j.augment.preprocess.shorter-side=8",
      "-Dalexnet4j.augment.preprocess.center-size=8",
      "-Dalexnet4j.augment.preprocess.crop-size=6"
    };
    CliFixture.Run first = CliFixture.run(args);
    assertEquals(0, first.exitCode(), first.err() + first.out());
    assertTrue(
        first.out().contains("64 images written, 0 already prepared, 1 unreadable"), first.out());
    assertTrue(first.out().contains("broken.png"), first.out());
    assertTrue(first.out().contains("training mean and PCA: "), first.out());
    BufferedImage image = ImageIO.read(dest.resolve("train/red/red0.png").toFile());
    assertEquals(8, image.getWidth());
    assertEquals(8, image.getHeight());
    CliFixture.Run second = CliFixture.run(args);
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("0 images written, 64 already prepared"), second.out());
  }

  @Test
  void classWordsComeFromASynsetListBesideTheData() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("imagenet"));
    Files.writeString(
        root.resolve("LOC_synset_mapping.txt"),
        "n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n");
    List<String> shown =
        ClassWords.describe(List.of("n01443537", "other"), List.of(tmp.resolve("nowhere"), root));
    assertEquals(List.of("n01443537 goldfish, Carassius auratus", "other"), shown);
    assertEquals(List.of("n01443537"), ClassWords.describe(List.of("n01443537"), List.of(tmp)));
  }
}
