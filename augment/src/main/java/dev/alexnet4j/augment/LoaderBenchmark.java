package dev.alexnet4j.augment;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.data.Batch;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Loader throughput on this machine, in images per second: generates photo-like JPEGs of (a)
 * 256x256 and (b) 500x375 (about ImageNet's typical size) in a temporary folder, then runs the
 * training loader with the reference settings (rescale, 227 random crops, mirror, fancy PCA,
 * per-channel mean) over them with 1 and 2 workers. Also reports plain single-thread decoding, the
 * floor of the cost.
 *
 * <p>Arguments (all optional): {@code --images N} per set (default 512), {@code --seconds S} per
 * measurement (default 10), {@code --batch B} (default 128), {@code --workers 1,2}, {@code --data
 * DIR}: measure that image folder ({@code class/image} files, e.g. what {@code prepare} wrote)
 * instead of generated sets.
 */
public final class LoaderBenchmark {
  private static final int GRAIN = 64;

  private LoaderBenchmark() {}

  /** One measurement. */
  public record Result(String set, int workers, double imagesPerSecond, long images) {}

  public static void main(String[] args) throws IOException {
    int images = 512;
    double seconds = 10;
    int batch = 128;
    List<Integer> workers = List.of(1, 2);
    Path folder = null;
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--images" -> images = Integer.parseInt(value);
        case "--seconds" -> seconds = Double.parseDouble(value);
        case "--batch" -> batch = Integer.parseInt(value);
        case "--workers" -> workers = Stream.of(value.split(",")).map(Integer::valueOf).toList();
        case "--data" -> folder = Path.of(value);
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + " (known: --images, --seconds, --batch, --workers, --data)");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "loader benchmark: %s, %.0f s per measurement, batch %d, %d cores%n",
        folder == null ? images + " generated images per set" : folder,
        seconds,
        batch,
        Runtime.getRuntime().availableProcessors());
    if (folder != null) {
      measureSet(folder.toString(), ImageFolderDataset.scan(folder), seconds, batch, workers);
      return;
    }
    Path dir = Files.createTempDirectory("alexnet4j-loader-bench");
    try {
      for (int[] size : new int[][] {{256, 256}, {500, 375}}) {
        String name = size[0] + "x" + size[1];
        Path root = dir.resolve(name);
        long bytes = generate(root, images, size[0], size[1]);
        System.out.printf(
            Locale.ROOT, "%s: %d JPEGs, mean %.1f kB%n", name, images, bytes / 1024.0 / images);
        measureSet(name, ImageFolderDataset.scan(root), seconds, batch, workers);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Plain decoding on one thread, then the training loader with each worker count. */
  private static List<Result> measureSet(
      String name, ImageFolderDataset data, double seconds, int batch, List<Integer> workers)
      throws IOException {
    System.out.printf(
        Locale.ROOT, "%s: decode only, 1 thread: %.0f images/s%n", name, decodeRate(data, seconds));
    AugmentSettings base = AugmentSettings.from(ConfigFactory.defaultReference());
    DatasetStatistics stats =
        StatisticsCalculator.compute(data, base.preprocess(), base.statistics(), 2);
    List<Result> results = new ArrayList<>();
    for (int w : workers) {
      Result r = measure(name, data, stats, base.withWorkers(w), batch, seconds);
      results.add(r);
      System.out.printf(
          Locale.ROOT,
          "%s: loader, %d worker%s: %.0f images/s (%d images)%n",
          name,
          w,
          w == 1 ? "" : "s",
          r.imagesPerSecond(),
          r.images());
    }
    return results;
  }

  /**
   * Runs epochs of the training loader for about {@code seconds} after one warm-up pass of a few
   * batches, and returns the rate at which batches were delivered.
   */
  public static Result measure(
      String set,
      ImageDataset data,
      DatasetStatistics stats,
      AugmentSettings settings,
      int batch,
      double seconds) {
    try (ImageLoader loader = ImageLoader.training(data, stats, settings)) {
      try (LoaderEpoch warm = loader.epoch(-1, batch)) {
        for (int i = 0; i < 2 && warm.hasNext(); i++) {
          warm.next().close();
        }
      }
      long delivered = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      for (int epoch = 0; System.nanoTime() < end; epoch++) {
        try (LoaderEpoch run = loader.epoch(epoch, batch)) {
          while (run.hasNext() && System.nanoTime() < end) {
            try (Batch b = run.next()) {
              delivered += b.count();
            }
          }
        }
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(set, settings.workers(), delivered / elapsed, delivered);
    }
  }

  private static double decodeRate(ImageFolderDataset data, double seconds) throws IOException {
    // Warm up: class loading, ImageIO's registry and the JIT would otherwise count as decoding.
    for (int i = 0; i < Math.min(data.size(), 64); i++) {
      data.read(i);
    }
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds / 2 * 1e9);
    while (System.nanoTime() < end) {
      data.read((int) (n % data.size()));
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  /** Writes {@code n} JPEGs in 8 class folders; returns their total size in bytes. */
  static long generate(Path root, int n, int width, int height) throws IOException {
    long bytes = 0;
    Random random = new Random(width * 31L + height);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    // Flickr-like quality: ImageNet's files are mostly high-quality JPEGs.
    param.setCompressionQuality(0.9f);
    try {
      for (int i = 0; i < n; i++) {
        Path file = root.resolve("class" + i % 8).resolve("img" + i + ".JPEG");
        Files.createDirectories(file.getParent());
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
          writer.setOutput(out);
          writer.write(null, new IIOImage(photoLike(width, height, random), null, null), param);
        }
        bytes += Files.size(file);
      }
    } finally {
      writer.dispose();
    }
    return bytes;
  }

  /**
   * Smooth colour fields, an edge and strong grain: at quality 0.9 about 0.5 bytes a pixel, near
   * ImageNet's average (about 110 kB for 400x350), so entropy decoding costs what it would on
   * photographs; flat fills would make decoding look cheaper than it is.
   */
  private static BufferedImage photoLike(int width, int height, Random random) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double[] f = new double[12];
    for (int k = 0; k < f.length; k++) {
      f[k] = random.nextDouble() * 0.08;
    }
    int edge = random.nextInt(width);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int shift = x > edge + y / 3 ? 60 : 0;
        double r = 100 + 60 * Math.sin(f[0] * x + f[1] * y) + 30 * Math.sin(f[2] * x * f[3] * y);
        double g = 95 + 50 * Math.sin(f[4] * x + f[5] * y) + 30 * Math.cos(f[6] * y);
        double b = 85 + 55 * Math.cos(f[8] * x - f[9] * y) + 25 * Math.sin(f[10] * x);
        int rgb =
            clamp(r + random.nextInt(GRAIN) + shift) << 16
                | clamp(g + random.nextInt(GRAIN)) << 8
                | clamp(b + random.nextInt(GRAIN) - shift);
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, v));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete benchmark folder " + dir, e);
    }
  }
}
