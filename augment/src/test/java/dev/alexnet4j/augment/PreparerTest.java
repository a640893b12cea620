package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparerTest {
  @TempDir Path tmp;

  private static AugmentSettings settings() {
    return TestSettings.small("statistics.images = 0");
  }

  private Path source() throws IOException {
    Path src = tmp.resolve("src");
    TestImages.write(src.resolve("train/a/1.JPEG"), TestImages.photo(40, 24, 1), "jpg");
    TestImages.write(src.resolve("train/a/2.JPEG"), TestImages.photo(20, 30, 2), "png");
    TestImages.write(src.resolve("train/b/3.JPEG"), TestImages.photo(16, 16, 3), "jpg");
    TestImages.write(src.resolve("train/b/4.JPEG"), TestImages.photo(33, 50, 4), "jpg");
    Files.write(src.resolve("train/b/broken.JPEG"), new byte[] {1, 2, 3, 4});
    TestImages.write(src.resolve("val/a/5.JPEG"), TestImages.photo(30, 20, 5), "jpg");
    TestImages.write(src.resolve("val/b/6.JPEG"), TestImages.photo(30, 20, 6), "jpg");
    return src;
  }

  @Test
  void writesSquaresSkipsUnreadableAndWritesStatisticsTrainFinds() throws IOException {
    Path src = source();
    Path dest = tmp.resolve("dest");
    AtomicLong steps = new AtomicLong();
    long[] total = new long[1];
    Preparer.Progress progress =
        new Preparer.Progress() {
          @Override
          public void start(long images) {
            total[0] = images;
          }

          @Override
          public void step() {
            steps.incrementAndGet();
          }
        };
    Preparer.Result r = new Preparer(settings(), 90, 2).prepare(src, dest, progress);
    assertEquals(7, total[0]);
    assertEquals(7, steps.get());
    assertEquals(6, r.written());
    assertEquals(0, r.existing());
    assertEquals(1, r.unreadable().size(), r.unreadable().toString());
    assertTrue(r.unreadable().get(0).contains("broken.JPEG"), r.unreadable().get(0));
    assertFalse(Files.exists(dest.resolve("train/b/broken.JPEG")));
    for (String f : List.of("train/a/1.JPEG", "train/a/2.JPEG", "train/b/4.JPEG", "val/b/6.JPEG")) {
      RgbImage image = ImageDecoder.decode(Files.readAllBytes(dest.resolve(f)));
      assertEquals(16, image.width(), f);
      assertEquals(16, image.height(), f);
    }
    try (Stream<Path> all = Files.walk(dest)) {
      assertTrue(all.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
    }
    // train finds the statistics without computing: the cache file for DEST/train is there.
    ImageFolderDataset prepared = ImageFolderDataset.scan(dest.resolve("train"));
    assertEquals(StatisticsCache.file(prepared, settings()), r.statistics().orElseThrow());
    assertTrue(Files.isRegularFile(r.statistics().get()));
    DatasetStatistics stats = StatisticsCache.loadOrCompute(prepared, settings());
    assertEquals(4, stats.images());
    // Close to what the calculator gets from the prepared JPEGs (they differ by JPEG loss only).
    DatasetStatistics direct =
        StatisticsCalculator.compute(prepared, settings().preprocess(), settings().statistics(), 1);
    for (int c = 0; c < 3; c++) {
      assertEquals(direct.channelMean()[c], stats.channelMean()[c], 3.0, "channel " + c);
    }
  }

  @Test
  void secondRunSkipsCompleteOutputsAndRedoesMissingOnes() throws IOException {
    Path src = source();
    Path dest = tmp.resolve("dest");
    Preparer.Result first =
        new Preparer(settings(), 90, 2).prepare(src, dest, Preparer.Progress.NONE);
    DatasetStatistics before = StatisticsCache.load(copy(first));
    Files.delete(dest.resolve("train/a/2.JPEG"));
    // An interrupted write leaves only a hidden temporary file, which is neither listed nor kept.
    Files.write(dest.resolve("train/a/.2.JPEG.part"), new byte[] {9, 9});
    Preparer.Result second =
        new Preparer(settings(), 90, 1).prepare(src, dest, Preparer.Progress.NONE);
    assertEquals(1, second.written());
    assertEquals(5, second.existing());
    assertFalse(Files.exists(dest.resolve("train/a/.2.JPEG.part")));
    assertTrue(Files.isRegularFile(dest.resolve("train/a/2.JPEG")));
    DatasetStatistics after = StatisticsCache.load(copy(second));
    assertEquals(4, after.images());
    for (int c = 0; c < 3; c++) {
      assertEquals(before.channelMean()[c], after.channelMean()[c], 1.0, "channel " + c);
    }
  }

  /** The cache file re-saved as a run copy, which {@link StatisticsCache#load} reads. */
  private Path copy(Preparer.Result r) throws IOException {
    Path file = r.statistics().orElseThrow();
    DatasetStatistics s =
        StatisticsCache.read(
            file, StatisticsCache.key(ImageFolderDataset.scan(file.getParent()), settings()));
    Path out = tmp.resolve("copy-" + System.nanoTime() + ".bin");
    StatisticsCache.save(out, s);
    return out;
  }

  @Test
  void preparedImagesAreNotResampledOnTheHotPath() throws IOException {
    Path src = source();
    Path dest = tmp.resolve("dest");
    new Preparer(settings(), 90, 2).prepare(src, dest, Preparer.Progress.NONE);
    ImageFolderDataset prepared = ImageFolderDataset.scan(dest.resolve("train"));
    Preprocessor pre = new Preprocessor(settings().preprocess());
    for (int i = 0; i < prepared.size(); i++) {
      pre.apply(prepared.read(i));
    }
    assertEquals(0, pre.resamples(), "prepared images must be copied, not resampled");
    // The raw images, by contrast, take the resample path.
    ImageFolderDataset raw = ImageFolderDataset.scan(src.resolve("train"));
    pre.apply(raw.read(0));
    assertEquals(1, pre.resamples());
  }
}
