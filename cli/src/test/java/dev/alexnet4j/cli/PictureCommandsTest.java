package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.checkpoint.Npy;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.cli.CliFixture.Run;
import dev.alexnet4j.cli.pictures.ContactSheet;
import dev.alexnet4j.cli.pictures.PredictionPicture;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** features, similar, filters and predict --png driven in-process on a model trained here. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PictureCommandsTest {
  private Path dir;
  private Path data;
  private Path checkpoint;

  @BeforeAll
  void train(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    data = CliFixture.imageFolders(dir.resolve("data"));
    Path config = CliFixture.config(dir);
    Path runFolder = dir.resolve("run");
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
            "4",
            "--epochs",
            "1"));
    checkpoint = runFolder.resolve("checkpoints/best.a4j");
  }

  private static void assertOk(Run r) {
    assertEquals(0, r.exitCode(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
  }

  private static void assertUserError(Run r, String expected) {
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private static BufferedImage png(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertTrue(image != null, file + " does not decode as an image");
    return image;
  }

  @Test
  void featuresWritesAnNpyAndItsIndex() throws IOException {
    Path out = dir.resolve("out/fc2.npy");
    Run r =
        run(
            "features",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc2",
            "--data",
            data.resolve("val").toString(),
            "--out",
            out.toString(),
            "--batch",
            "5");
    assertOk(r);
    assertTrue(r.out().contains("16 images x 2 values of fc2"), r.out());
    NpyArray features = Npy.read(out);
    assertArrayEquals(new int[] {16, 2}, features.shape());
    List<String> index = Files.readAllLines(dir.resolve("out/fc2.tsv"));
    assertEquals(17, index.size());
    assertEquals("index\tpath\tlabel\tclass", index.get(0));
    assertTrue(index.get(1).matches("0\t.*blue0\\.png\t0\tblue"), index.get(1));
    assertTrue(index.get(16).endsWith("\t1\tred"), index.get(16));
  }

  @Test
  void featuresOfAnUnknownLayerListTheLayers() {
    Run r =
        run(
            "features",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc7",
            "--data",
            data.resolve("val").toString(),
            "--out",
            dir.resolve("x.npy").toString());
    assertUserError(r, "--layer fc7: the network has no layer 'fc7' (layers: [conv1, relu1,");
  }

  @Test
  void featuresOfAnIdxFolderTakeItsTestPart() throws IOException {
    // IDX as Fashion-MNIST ships it: 3 training and 2 test images of 10 x 10, grey.
    Path idx = Files.createDirectories(dir.resolve("idx"));
    writeIdx(idx, "train", 3);
    writeIdx(idx, "t10k", 2);
    Path out = dir.resolve("idx.npy");
    Run r =
        run(
            "features",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc2",
            "--data",
            idx.toString(),
            "--out",
            out.toString());
    assertOk(r);
    assertArrayEquals(new int[] {2, 2}, Npy.read(out).shape());
    assertTrue(
        Files.readAllLines(dir.resolve("idx.tsv")).get(2).contains("t10k-images-idx3-ubyte"));
  }

  private static void writeIdx(Path dir, String part, int count) throws IOException {
    ByteBuffer images = ByteBuffer.allocate(16 + count * 100);
    images.putInt(0x803).putInt(count).putInt(10).putInt(10);
    for (int i = 0; i < count * 100; i++) {
      images.put((byte) (i * 7));
    }
    Files.write(dir.resolve(part + "-images-idx3-ubyte"), images.array());
    ByteBuffer labels = ByteBuffer.allocate(8 + count);
    labels.putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) {
      labels.put((byte) (i % 2));
    }
    Files.write(dir.resolve(part + "-labels-idx1-ubyte"), labels.array());
  }

  @Test
  void featuresRefuseAFolderWithAnUnreadableImage() throws IOException {
    Path broken = Files.createDirectories(dir.resolve("broken/red"));
    Files.copy(data.resolve("val/red/red0.png"), broken.resolve("good.png"));
    Files.writeString(broken.resolve("bad.png"), "not a picture");
    Run r =
        run(
            "features",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc2",
            "--data",
            dir.resolve("broken").toString(),
            "--out",
            dir.resolve("broken.npy").toString());
    assertUserError(r, "could not read 1 of the 2 images");
    assertFalse(Files.exists(dir.resolve("broken.npy")));
  }

  @Test
  void similarPrintsNeighboursDrawsASheetAndCachesTheGallery() throws IOException {
    Path sheet = dir.resolve("similar.png");
    String[] args = {
      "similar",
      "--checkpoint",
      checkpoint.toString(),
      "--layer",
      "fc2",
      "--gallery",
      data.resolve("val").toString(),
      "--k",
      "3",
      "--evaluate",
      "4",
      "--png",
      sheet.toString(),
      "--query",
      data.resolve("train/red/red0.png").toString(),
      data.resolve("train/blue/blue0.png").toString()
    };
    Run r = run(args);
    assertOk(r);
    assertTrue(
        r.out().contains("retrieval precision@3 over 4 gallery queries of 16 images"), r.out());
    assertTrue(r.out().contains("query " + data.resolve("train/red/red0.png")), r.out());
    assertTrue(r.out().contains("  3. "), r.out());
    BufferedImage image = png(sheet);
    assertEquals(ContactSheet.width(4, SimilarCommand.TILE), image.getWidth());
    assertEquals(ContactSheet.height(2, SimilarCommand.TILE), image.getHeight());

    Path cacheDir = checkpoint.getParent().getParent().resolve("features");
    List<Path> cached;
    try (Stream<Path> files = Files.list(cacheDir)) {
      cached = files.filter(p -> p.toString().endsWith(".npy")).toList();
    }
    assertEquals(1, cached.size(), cached.toString());
    FileTime written = Files.getLastModifiedTime(cached.get(0));
    Run again = run(args);
    assertOk(again);
    assertEquals(r.out(), again.out(), "the cached gallery gives the same answer");
    assertEquals(written, Files.getLastModifiedTime(cached.get(0)), "the cache was reused");
    assertOk(
        run(
            "similar",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "pool1",
            "--gallery",
            data.resolve("val").toString(),
            "--evaluate",
            "2"));
    try (Stream<Path> files = Files.list(cacheDir)) {
      assertEquals(
          2,
          files.filter(p -> p.toString().endsWith(".npy")).count(),
          "another layer, another cache entry");
    }
  }

  @Test
  void similarWithoutQueriesDrawsItsEvaluationQueries() throws IOException {
    Path sheet = dir.resolve("evaluated.png");
    Run r =
        run(
            "similar",
            "--checkpoint",
            checkpoint.toString(),
            "--layer",
            "fc2",
            "--gallery",
            data.resolve("val").toString(),
            "--k",
            "2",
            "--evaluate",
            "4",
            "--png",
            sheet.toString());
    assertOk(r);
    // 16 images, 4 queries evenly spaced: rows 0, 4, 8 and 12 (blue0, blue4, red0, red4).
    assertTrue(r.out().contains("query " + data.resolve("val/red/red4.png")), r.out());
    assertEquals(4, r.out().lines().filter(l -> l.startsWith("query ")).count(), r.out());
    BufferedImage image = png(sheet);
    assertEquals(ContactSheet.width(3, SimilarCommand.TILE), image.getWidth());
    assertEquals(ContactSheet.height(4, SimilarCommand.TILE), image.getHeight());
  }

  @Test
  void similarNeedsAQueryOrAnEvaluation() {
    Run r =
        run(
            "similar",
            "--checkpoint",
            checkpoint.toString(),
            "--gallery",
            data.resolve("val").toString());
    assertUserError(r, "give query images with --query IMAGE..., or --evaluate N");
  }

  @Test
  void filtersDrawsTheFirstConvolution() throws IOException {
    Path out = dir.resolve("conv1.png");
    Run r = run("filters", "--checkpoint", checkpoint.toString(), "--out", out.toString());
    assertOk(r);
    assertTrue(r.out().startsWith("4 kernels of conv1 (3x3x3) drawn to"), r.out());
    // 4 kernels of 3x3 at 16 pixels per value (tiles of 48), one row of 4.
    BufferedImage image = png(out);
    assertEquals(4 * 48 + 5 * 2, image.getWidth());
    assertEquals(48 + 2 * 2, image.getHeight());
    Run bad = run("filters", "--checkpoint", checkpoint.toString(), "--layer", "fc2");
    assertUserError(
        bad, "--layer fc2: no convolution layer of that name (convolution layers: [conv1])");
  }

  @Test
  void predictDrawsTheTopClassesAsBars() throws IOException {
    Path out = dir.resolve("predict.png");
    Run r =
        run(
            "predict",
            "--checkpoint",
            checkpoint.toString(),
            "--png",
            out.toString(),
            data.resolve("val/red/red0.png").toString(),
            data.resolve("val/blue/blue0.png").toString());
    assertOk(r);
    assertTrue(r.out().contains("picture: " + out), r.out());
    BufferedImage image = png(out);
    assertEquals(PredictionPicture.width(), image.getWidth());
    assertEquals(PredictionPicture.height(2), image.getHeight());
  }
}
