package dev.alexnet4j.augment;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link DatasetStatistics} in a small binary file named by a fingerprint of the data (file
 * list, sizes, modification times) and of the settings that shape the result, so they are computed
 * once per data set and again only when the data or those settings change. A stale or damaged file
 * is simply not used.
 */
public final class StatisticsCache {
  private static final Logger LOG = LoggerFactory.getLogger(StatisticsCache.class);
  private static final long MAGIC = 0x414e34_53544154L; // "AN4STAT"
  private static final int FORMAT = 1;
  private static final String RUN_COPY = "run-copy";

  private StatisticsCache() {}

  /**
   * The cached statistics of {@code data}, computed (with {@code workers} threads) and stored if no
   * valid cache file exists.
   *
   * @throws DatasetException if the cache folder cannot be written, before any work is done
   */
  public static DatasetStatistics loadOrCompute(ImageDataset data, AugmentSettings settings) {
    String key = key(data, settings);
    Path file = file(data, settings, key);
    if (Files.isRegularFile(file)) {
      try {
        DatasetStatistics stats = read(file, key);
        LOG.info("statistics from {}: {}", file, stats);
        return stats;
      } catch (IOException | RuntimeException e) {
        LOG.warn("ignoring damaged statistics cache {} ({}); computing again", file, e.toString());
      }
    }
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw unwritable(dir, e.toString());
    }
    if (!Files.isWritable(dir)) {
      throw unwritable(dir, "permission denied");
    }
    LOG.info(
        "computing the mean and PCA statistics of {} (cached in {})", data.defaultCacheDir(), file);
    DatasetStatistics stats =
        StatisticsCalculator.compute(
            data, settings.preprocess(), settings.statistics(), settings.workers());
    try {
      write(file, key, stats);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write statistics cache " + file, e);
    }
    return stats;
  }

  /**
   * Copies statistics into a run folder, so that evaluation and prediction subtract the training
   * mean without the training data at hand.
   */
  public static void save(Path file, DatasetStatistics stats) throws IOException {
    write(file, RUN_COPY, stats);
  }

  /** Statistics saved with {@link #save}. */
  public static DatasetStatistics load(Path file) throws IOException {
    try {
      return read(file, RUN_COPY);
    } catch (java.io.EOFException e) {
      throw new IOException(file + ": truncated statistics file", e);
    }
  }

  /** The cache file for {@code data} under {@code settings}. */
  public static Path file(ImageDataset data, AugmentSettings settings) {
    return file(data, settings, key(data, settings));
  }

  private static Path file(ImageDataset data, AugmentSettings settings, String key) {
    String configured = settings.statistics().cacheDir();
    Path dir = configured.isEmpty() ? data.defaultCacheDir() : Path.of(configured);
    return dir.resolve(".alexnet4j-stats-" + key.substring(0, 16) + ".bin");
  }

  /** The fingerprint of the data and of every setting the statistics depend on. */
  static String key(ImageDataset data, AugmentSettings settings) {
    PreprocessSettings p = settings.preprocess();
    StatisticsSettings s = settings.statistics();
    return new Fingerprint()
        .add("statistics")
        .add(FORMAT)
        .add(data.fingerprint())
        .add(p.shorterSide())
        .add(p.centerSize())
        .add(s.images())
        .add(s.pcaPixels())
        .hex();
  }

  private static DatasetException unwritable(Path dir, String reason) {
    return new DatasetException(
        "cannot write the statistics cache in "
            + dir.toAbsolutePath()
            + " ("
            + reason
            + "): set "
            + AugmentSettings.PATH
            + ".statistics.cache-dir to a writable folder");
  }

  static void write(Path file, String key, DatasetStatistics stats) throws IOException {
    // Not Files.createTempFile: its owner-only permissions would hide a cache shared beside data.
    Path temp =
        file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(
                  Files.newOutputStream(
                      temp,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.TRUNCATE_EXISTING,
                      StandardOpenOption.WRITE)))) {
        out.writeLong(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(key);
        out.writeInt(stats.size());
        out.writeLong(stats.images());
        out.writeLong(stats.pcaPixels());
        for (float v : stats.channelMean()) {
          out.writeFloat(v);
        }
        for (float v : stats.pixelMean()) {
          out.writeFloat(v);
        }
        for (double[] row : stats.covariance()) {
          for (double v : row) {
            out.writeDouble(v);
          }
        }
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static DatasetStatistics read(Path file, String key) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readLong() != MAGIC || in.readInt() != FORMAT) {
        throw new IOException("not a statistics file of this version");
      }
      if (!in.readUTF().equals(key)) {
        throw new IOException("fingerprint differs from the file name's");
      }
      int size = in.readInt();
      long images = in.readLong();
      long pcaPixels = in.readLong();
      float[] channelMean = new float[3];
      for (int i = 0; i < 3; i++) {
        channelMean[i] = in.readFloat();
      }
      float[] pixelMean = new float[3 * size * size];
      for (int i = 0; i < pixelMean.length; i++) {
        pixelMean[i] = in.readFloat();
      }
      double[][] covariance = new double[3][3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          covariance[i][j] = in.readDouble();
        }
      }
      return new DatasetStatistics(size, images, pcaPixels, channelMean, pixelMean, covariance);
    }
  }
}
