package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatisticsTest {
  @TempDir Path root;

  /** Statistics of all-zero means and an identity covariance, for tests of later stages. */
  static DatasetStatistics zeroStatistics(int size) {
    return new DatasetStatistics(
        size,
        1,
        1,
        new float[3],
        new float[3 * size * size],
        new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  }

  private static AugmentSettings settings(String extra) {
    return TestSettings.with(
        "preprocess { shorter-side = 4, center-size = 4, crop-size = 3 }\n"
            + "statistics { images = 0, pca-pixels = 1000 }\n"
            + extra);
  }

  @Test
  void perChannelMeanIsTheMeanOverEveryImage() throws IOException {
    // Flat colours survive any rescaling, so the mean is exactly the average colour.
    TestImages.write(root.resolve("a/1.png"), TestImages.solid(8, 6, 0x0a1432), "png");
    TestImages.write(root.resolve("a/2.png"), TestImages.solid(4, 4, 0x1e2846), "png");
    TestImages.write(root.resolve("b/3.png"), TestImages.solid(10, 4, 0x323c5a), "png");
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    DatasetStatistics stats =
        StatisticsCalculator.compute(data, settings("").preprocess(), settings("").statistics(), 2);
    assertArrayEquals(
        new float[] {(10 + 30 + 50) / 3f, (20 + 40 + 60) / 3f, (50 + 70 + 90) / 3f},
        stats.channelMean(),
        1e-4f);
    assertEquals(3, stats.images());
    float[] subtract = stats.subtrahend(MeanMode.PER_CHANNEL);
    assertEquals(30, subtract[5], 1e-4);
    assertEquals(70, subtract[2 * 16 + 15], 1e-4);
    assertArrayEquals(stats.pixelMean(), stats.subtrahend(MeanMode.PER_PIXEL));
    assertArrayEquals(new float[3 * 16], stats.subtrahend(MeanMode.NONE));
  }

  @Test
  void perPixelMeanAndCovarianceMatchADirectComputation() throws IOException {
    Random random = new Random(5);
    int n = 3;
    int[][][] rgb = new int[n][16][3];
    for (int i = 0; i < n; i++) {
      BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 16; p++) {
        for (int c = 0; c < 3; c++) {
          rgb[i][p][c] = random.nextInt(256);
        }
        image.setRGB(p % 4, p / 4, rgb[i][p][0] << 16 | rgb[i][p][1] << 8 | rgb[i][p][2]);
      }
      TestImages.write(root.resolve("c/" + i + ".png"), image, "png");
    }
    AugmentSettings s = settings("");
    DatasetStatistics stats =
        StatisticsCalculator.compute(
            ImageFolderDataset.scan(root), s.preprocess(), s.statistics(), 1);
    float[] pixelMean = stats.pixelMean();
    double[] mean = new double[3];
    for (int p = 0; p < 16; p++) {
      for (int c = 0; c < 3; c++) {
        double m = (rgb[0][p][c] + rgb[1][p][c] + rgb[2][p][c]) / 3.0;
        assertEquals(m, pixelMean[c * 16 + p], 1e-4, "mean image at " + c + "," + p);
        mean[c] += m / 16;
      }
    }
    // Every pixel is sampled (1000 >= 48), so the covariance is the population covariance.
    double[][] cov = stats.covariance();
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          for (int p = 0; p < 16; p++) {
            sum += (rgb[i][p][a] - mean[a]) * (rgb[i][p][b] - mean[b]);
          }
        }
        assertEquals(sum / (n * 16) / (255.0 * 255.0), cov[a][b], 1e-12, "covariance " + a + b);
      }
    }
  }

  @Test
  void resultDoesNotDependOnTheNumberOfWorkers() throws IOException {
    for (int i = 0; i < 12; i++) {
      TestImages.write(
          root.resolve("k" + i % 3 + "/" + i + ".jpg"), TestImages.photo(9, 7, i), "jpeg");
    }
    AugmentSettings s = settings("statistics { images = 9, pca-pixels = 1000 }");
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    DatasetStatistics one = StatisticsCalculator.compute(data, s.preprocess(), s.statistics(), 1);
    DatasetStatistics three = StatisticsCalculator.compute(data, s.preprocess(), s.statistics(), 3);
    assertEquals(9, one.images());
    assertArrayEquals(one.pixelMean(), three.pixelMean());
    assertArrayEquals(one.covariance()[1], three.covariance()[1]);
    assertEquals(
        List.of(0, 1, 2, 4, 5, 6, 8, 9, 10), List.of(box(StatisticsCalculator.sample(12, 9))));
  }

  @Test
  void cacheIsWrittenOnceReusedAndRecomputedWhenTheDataChanges() throws IOException {
    TestImages.write(root.resolve("a/1.png"), TestImages.solid(4, 4, 0x101010), "png");
    TestImages.write(root.resolve("b/2.png"), TestImages.solid(4, 4, 0x303030), "png");
    AugmentSettings s = settings("");
    ImageFolderDataset data = ImageFolderDataset.scan(root);
    DatasetStatistics first = StatisticsCache.loadOrCompute(data, s);
    Path file = StatisticsCache.file(data, s);
    assertTrue(Files.isRegularFile(file), "cache file " + file);
    assertEquals(root, file.getParent());
    assertTrue(file.getFileName().toString().startsWith(".alexnet4j-stats-"));

    // Same fingerprint, but every image now fails to decode: only the cache can answer.
    DatasetStatistics cached = StatisticsCache.loadOrCompute(new Unreadable(data), s);
    assertArrayEquals(first.channelMean(), cached.channelMean());
    assertEquals(32, cached.channelMean()[0], 1e-4);

    TestImages.write(root.resolve("b/3.png"), TestImages.solid(4, 4, 0x909090), "png");
    ImageFolderDataset changed = ImageFolderDataset.scan(root);
    assertNotEquals(file, StatisticsCache.file(changed, s));
    assertEquals(
        (16 + 48 + 144) / 3f, StatisticsCache.loadOrCompute(changed, s).channelMean()[1], 1e-4);

    // A setting that shapes the statistics changes the key too.
    assertNotEquals(file, StatisticsCache.file(data, settings("statistics.images = 1")));
  }

  @Test
  void cacheDirSettingIsUsedAndDamagedFilesAreRecomputed() throws IOException {
    TestImages.write(root.resolve("data/a/1.png"), TestImages.solid(4, 4, 0x202020), "png");
    Path cacheDir = root.resolve("cache");
    AugmentSettings s = settings("statistics.cache-dir = \"" + cacheDir + "\"");
    ImageFolderDataset data = ImageFolderDataset.scan(root.resolve("data"));
    StatisticsCache.loadOrCompute(data, s);
    Path file = StatisticsCache.file(data, s);
    assertEquals(cacheDir, file.getParent());
    Files.write(file, new byte[] {1, 2, 3});
    assertEquals(32, StatisticsCache.loadOrCompute(data, s).channelMean()[2], 1e-4);
  }

  private static Integer[] box(int[] a) {
    return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
  }

  /** A data set with another's fingerprint whose images never decode. */
  private static final class Unreadable extends ImageDataset {
    private final ImageDataset inner;

    Unreadable(ImageDataset inner) {
      this.inner = inner;
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public List<String> classNames() {
      return inner.classNames();
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public String location(int index) {
      return inner.location(index);
    }

    @Override
    public RgbImage read(int index) throws IOException {
      throw new IOException("unreadable on purpose");
    }

    @Override
    public String fingerprint() {
      return inner.fingerprint();
    }

    @Override
    public Path defaultCacheDir() {
      return inner.defaultCacheDir();
    }
  }
}
