package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
  @TempDir Path root;

  @Test
  void classesAreTheSortedFoldersAndFilesKeepTheirLabels() throws IOException {
    TestImages.write(root.resolve("zebra/b.png"), TestImages.solid(4, 4, 0x000001), "png");
    TestImages.write(root.resolve("ant/x.png"), TestImages.solid(4, 4, 0x000002), "png");
    TestImages.write(root.resolve("ant/a.png"), TestImages.solid(4, 4, 0x000003), "png");
    TestImages.write(root.resolve("moth/m.png"), TestImages.solid(4, 4, 0x000004), "png");
    Files.writeString(root.resolve("ant/.DS_Store"), "hidden");
    Files.writeString(root.resolve("README.txt"), "root-level files are not images");
    Files.createDirectories(root.resolve(".cache/x"));

    ImageFolderDataset data = ImageFolderDataset.scan(root);

    assertEquals(List.of("ant", "moth", "zebra"), data.classNames());
    assertEquals(4, data.size());
    assertEquals(root.resolve("ant/a.png"), data.file(0));
    assertEquals(0, data.label(0));
    assertEquals(0, data.label(1));
    assertEquals(1, data.label(2));
    assertEquals(2, data.label(3));
    assertEquals(3, data.read(0).get(0, 0, 2));
    assertEquals(1, data.read(3).get(0, 0, 2));
  }

  @Test
  void pngNamedJpegIsReadByItsContent() throws IOException {
    TestImages.write(root.resolve("c/n0001.JPEG"), TestImages.solid(6, 4, 0xff8000), "png");
    RgbImage image = ImageFolderDataset.scan(root).read(0);
    assertEquals(0xff, image.get(2, 2, 0));
    assertEquals(0x80, image.get(2, 2, 1));
  }

  @Test
  void cmykAndGreyscaleJpegsLoadAsRgb() throws IOException {
    Files.createDirectories(root.resolve("c"));
    Files.write(root.resolve("c/cmyk.JPEG"), TestImages.cmykJpeg(12, 10, 0, 255, 255, 0));
    TestImages.write(root.resolve("c/grey.JPEG"), TestImages.grey(12, 10), "jpeg");
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    RgbImage cmyk = data.read(0);
    assertTrue(cmyk.get(3, 3, 0) > 180 && cmyk.get(3, 3, 1) < 90, "CMYK red decodes as red");
    RgbImage grey = data.read(1);
    assertEquals(grey.get(4, 4, 0), grey.get(4, 4, 2));
  }

  @Test
  void emptyRootFailsNamingThePath() throws IOException {
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderDataset.scan(root));
    assertTrue(e.getMessage().contains(root.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("has no images"), e.getMessage());
  }

  @Test
  void emptyClassFolderFailsNamingTheFolder() throws IOException {
    TestImages.write(root.resolve("a/1.png"), TestImages.solid(4, 4, 0), "png");
    Files.createDirectories(root.resolve("b"));
    Files.writeString(root.resolve("b/.hidden"), "not an image");
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderDataset.scan(root));
    assertTrue(
        e.getMessage().contains(root.resolve("b").toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void missingRootFailsNamingThePath() {
    Path missing = root.resolve("nowhere");
    DatasetException e =
        assertThrows(DatasetException.class, () -> ImageFolderDataset.scan(missing));
    assertTrue(e.getMessage().contains("nowhere does not exist"), e.getMessage());
  }

  @Test
  void fingerprintFollowsFileChanges() throws IOException {
    Path file = TestImages.write(root.resolve("a/1.png"), TestImages.solid(4, 4, 0), "png");
    String before = ImageFolderDataset.scan(root).fingerprint();
    assertEquals(before, ImageFolderDataset.scan(root).fingerprint());
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
    String touched = ImageFolderDataset.scan(root).fingerprint();
    assertNotEquals(before, touched);
    TestImages.write(root.resolve("a/2.png"), TestImages.solid(4, 4, 0), "png");
    assertNotEquals(touched, ImageFolderDataset.scan(root).fingerprint());
  }
}
