package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
  @TempDir Path dir;

  /** Writes an unsigned-byte IDX file as MNIST's, optionally gzipped. */
  static Path writeIdx(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(new byte[] {0, 0, 0x08, (byte) dims.length});
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes.toByteArray());
    }
    return file;
  }

  /** Image i has pixel (x, y) = 10 * i + x + 3 * y; label i % 3. */
  static IdxDataset small(Path dir, int n, boolean gzip) throws IOException {
    int h = 4;
    int w = 5;
    byte[] pixels = new byte[n * h * w];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 3);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          pixels[i * h * w + y * w + x] = (byte) (10 * i + x + 3 * y);
        }
      }
    }
    String ext = gzip ? "-ubyte.gz" : "-ubyte";
    Path images =
        writeIdx(dir.resolve("train-images-idx3" + ext), new int[] {n, h, w}, pixels, gzip);
    Path labelFile = writeIdx(dir.resolve("train-labels-idx1" + ext), new int[] {n}, labels, gzip);
    return IdxDataset.open(images, labelFile);
  }

  @Test
  void plainAndGzippedFilesReadTheSame() throws IOException {
    Files.createDirectories(dir.resolve("plain"));
    Files.createDirectories(dir.resolve("gz"));
    IdxDataset plain = small(dir.resolve("plain"), 7, false);
    IdxDataset gz = small(dir.resolve("gz"), 7, true);
    for (IdxDataset data : List.of(plain, gz)) {
      assertEquals(7, data.size());
      assertEquals(List.of("0", "1", "2"), data.classNames());
      assertEquals(2, data.label(5));
      RgbImage image = data.read(4);
      assertEquals(5, image.width());
      assertEquals(4, image.height());
      assertEquals(40 + 2 + 3, image.get(2, 1, 0));
      assertEquals(40 + 2 + 3, image.get(2, 1, 1));
      assertEquals(40 + 2 + 3, image.get(2, 1, 2));
    }
  }

  @Test
  void classNamesCanBeGivenAndMustCoverTheLabels() throws IOException {
    IdxDataset numbered = small(dir, 4, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    Path labels = dir.resolve("train-labels-idx1-ubyte");
    IdxDataset fashion = IdxDataset.open(images, labels, IdxDataset.FASHION_MNIST_CLASSES);
    assertEquals("Pullover", fashion.classNames().get(fashion.label(2)));
    assertEquals(numbered.size(), fashion.size());
    DatasetException e =
        assertThrows(DatasetException.class, () -> IdxDataset.open(images, labels, List.of("a")));
    assertTrue(e.getMessage().contains("label 2 has no class name"), e.getMessage());
  }

  @Test
  void mismatchedOrMalformedFilesAreClearErrors() throws IOException {
    Path images = writeIdx(dir.resolve("i"), new int[] {3, 2, 2}, new byte[12], false);
    Path labels = writeIdx(dir.resolve("l"), new int[] {4}, new byte[4], false);
    DatasetException count =
        assertThrows(DatasetException.class, () -> IdxDataset.open(images, labels));
    assertTrue(
        count.getMessage().contains("one label per image, [3], got [4]"), count.getMessage());

    Path cut = dir.resolve("cut");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(images), 20));
    DatasetException truncated =
        assertThrows(DatasetException.class, () -> IdxDataset.open(cut, labels));
    assertTrue(truncated.getMessage().contains("needs 12 bytes"), truncated.getMessage());

    Path png = TestImages.write(dir.resolve("x.png"), TestImages.solid(2, 2, 0), "png");
    DatasetException notIdx =
        assertThrows(DatasetException.class, () -> IdxDataset.open(png, labels));
    assertTrue(notIdx.getMessage().contains("is not an IDX file"), notIdx.getMessage());

    assertThrows(DatasetException.class, () -> IdxDataset.open(dir.resolve("absent"), labels));
  }
}
