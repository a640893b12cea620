package dev.alexnet4j.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes {@link DatasetStatistics} from a sample of the training set, in parallel. Sums are
 * integers (pixels are 0..255), so the result is exact and does not depend on how the images were
 * split over threads.
 */
public final class StatisticsCalculator {
  private static final Logger LOG = LoggerFactory.getLogger(StatisticsCalculator.class);
  private static final long PCA_SALT = 0x5ca1ab1e_f00dL;
  private static final long PROGRESS_NANOS = 30_000_000_000L;

  private StatisticsCalculator() {}

  /** The image indices used: {@code images} of them spread evenly, or all when 0 or more. */
  static int[] sample(int datasetSize, int images) {
    int n = images == 0 || images >= datasetSize ? datasetSize : images;
    int[] indices = new int[n];
    for (int k = 0; k < n; k++) {
      indices[k] = (int) ((long) k * datasetSize / n);
    }
    return indices;
  }

  /**
   * @throws DatasetException if none of the sampled images decodes
   */
  public static DatasetStatistics compute(
      ImageDataset data, PreprocessSettings preprocess, StatisticsSettings settings, int workers) {
    int[] indices = sample(data.size(), settings.images());
    if (indices.length == 0) {
      throw new DatasetException("the data set has no images to compute the mean and PCA from");
    }
    int size = preprocess.centerSize();
    int pixelsPerImage =
        (int)
            Math.min(
                (long) size * size,
                ((long) settings.pcaPixels() + indices.length - 1) / indices.length);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Accumulator> parts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      Accumulator acc = new Accumulator(size);
      parts.add(acc);
      Thread t =
          new Thread(
              () -> {
                try {
                  Preprocessor pre = new Preprocessor(preprocess);
                  int k;
                  while ((k = next.getAndIncrement()) < indices.length && failure.get() == null) {
                    add(data, indices[k], pre, pixelsPerImage, acc);
                    if (k % 1000 == 0 && System.nanoTime() - start > PROGRESS_NANOS) {
                      LOG.info("statistics: {} of {} images", k, indices.length);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "augment-statistics-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        failure.compareAndSet(null, e);
        threads.forEach(Thread::interrupt);
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("computing data set statistics failed", failure.get());
    }
    Accumulator total = new Accumulator(size);
    parts.forEach(total::merge);
    if (total.images == 0) {
      throw new DatasetException(
          "none of the "
              + indices.length
              + " images sampled for the mean and PCA could be decoded (first: "
              + data.location(indices[0])
              + "); see the warnings above for the reasons");
    }
    DatasetStatistics stats = total.finish();
    LOG.info("statistics in {} s: {}", (System.nanoTime() - start) / 1_000_000_000, stats);
    return stats;
  }

  private static void add(
      ImageDataset data, int index, Preprocessor pre, int pixelsPerImage, Accumulator acc) {
    PlanarImage image;
    try {
      image = pre.apply(data.read(index));
    } catch (Exception e) {
      // A bad file is the loader's to skip too; it must not stop the statistics.
      data.unreadable().record(index, data.location(index), e);
      return;
    }
    addImage(image, index, pixelsPerImage, acc);
  }

  /**
   * Adds one preprocessed {@code center-size} image to {@code acc}; {@code index} keys its PCA
   * pixel sample. Used by {@link Preparer}, which computes the statistics on the way.
   */
  static void addImage(PlanarImage image, int index, int pixelsPerImage, Accumulator acc) {
    int size = image.width();
    int plane = size * size;
    byte[] p = image.pixels();
    long[] sums = acc.pixelSums;
    for (int i = 0; i < 3 * plane; i++) {
      sums[i] += p[i] & 0xff;
    }
    acc.images++;
    if (pixelsPerImage >= plane) {
      for (int i = 0; i < plane; i++) {
        acc.addPcaPixel(p, i);
      }
    } else {
      // Positions depend on the image index alone, so the sample is the same on every run.
      SplittableRandom random = new SplittableRandom(SampleRandom.mix(PCA_SALT, index));
      for (int k = 0; k < pixelsPerImage; k++) {
        acc.addPcaPixel(p, random.nextInt(plane));
      }
    }
  }

  /** Integer sums of one thread; merged at the end. */
  static final class Accumulator {
    final int size;
    final long[] pixelSums;
    long images;
    long pcaCount;
    final long[] sums = new long[3];
    final long[] products = new long[6]; // rr, rg, rb, gg, gb, bb

    Accumulator(int size) {
      this.size = size;
      this.pixelSums = new long[3 * size * size];
    }

    /** Adds pixel {@code i} of a planar image. */
    void addPcaPixel(byte[] p, int i) {
      int plane = size * size;
      long r = p[i] & 0xff;
      long g = p[plane + i] & 0xff;
      long b = p[2 * plane + i] & 0xff;
      pcaCount++;
      sums[0] += r;
      sums[1] += g;
      sums[2] += b;
      products[0] += r * r;
      products[1] += r * g;
      products[2] += r * b;
      products[3] += g * g;
      products[4] += g * b;
      products[5] += b * b;
    }

    void merge(Accumulator o) {
      for (int i = 0; i < pixelSums.length; i++) {
        pixelSums[i] += o.pixelSums[i];
      }
      images += o.images;
      pcaCount += o.pcaCount;
      for (int i = 0; i < 3; i++) {
        sums[i] += o.sums[i];
      }
      for (int i = 0; i < 6; i++) {
        products[i] += o.products[i];
      }
    }

    DatasetStatistics finish() {
      int plane = size * size;
      float[] pixelMean = new float[3 * plane];
      float[] channelMean = new float[3];
      for (int c = 0; c < 3; c++) {
        long channelSum = 0;
        for (int i = 0; i < plane; i++) {
          long s = pixelSums[c * plane + i];
          channelSum += s;
          pixelMean[c * plane + i] = (float) ((double) s / images);
        }
        channelMean[c] = (float) ((double) channelSum / ((double) images * plane));
      }
      // Covariance of values scaled to 0..1: E[xy] - E[x]E[y], over 255^2.
      double n = pcaCount;
      double[] mean = {sums[0] / n, sums[1] / n, sums[2] / n};
      int[][] at = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
      double[][] cov = new double[3][3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          cov[i][j] = (products[at[i][j]] / n - mean[i] * mean[j]) / (255.0 * 255.0);
        }
      }
      return new DatasetStatistics(size, images, pcaCount, channelMean, pixelMean, cov);
    }
  }
}
