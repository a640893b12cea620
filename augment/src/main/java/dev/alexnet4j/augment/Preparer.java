package dev.alexnet4j.augment;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's preprocessing done once ({@code alexnet4j prepare}): every image of {@code
 * SRC/train/<class>/} and {@code SRC/val/} rescaled so its shorter side is {@code
 * preprocess.shorter-side}, its central {@code preprocess.center-size} square cut, and written as a
 * JPEG of the given quality under the same relative path in {@code DEST} (content JPEG whatever the
 * name says; the decoder sniffs content). A flat ILSVRC {@code val/} ({@link IlsvrcValidation}) is
 * written as {@code DEST/val/<wnid>/<file>} and its synset list copied to {@code DEST}, so the
 * prepared folder is in the plain image-folder layout.
 *
 * <p>Training then decodes squares already at {@code center-size}, which the {@link Preprocessor}
 * copies without resampling.
 *
 * <p>Resumable: each image is written to a hidden temporary name beside its target and renamed
 * atomically, so a file under its final name is complete and a second run skips it (decoding it
 * only for the statistics). The mean and PCA statistics are computed on the way over every training
 * image (the pixels before JPEG encoding; those of files a resumed run skips, as decoded) and
 * written to the cache file that {@code train} looks up for {@code DEST/train} with the same
 * settings, so it computes nothing at start. They cover all images, not the {@code
 * statistics.images} sample the cache's key names.
 *
 * <p>Unreadable source files are logged by path, listed in the result and skipped.
 */
public final class Preparer {
  private static final Logger LOG = LoggerFactory.getLogger(Preparer.class);
  private static final String PART = ".part";

  /** Told of the work: {@link #start} once, then {@link #step} from any worker thread. */
  public interface Progress {
    void start(long images);

    void step();

    Progress NONE =
        new Progress() {
          @Override
          public void start(long images) {}

          @Override
          public void step() {}
        };
  }

  /**
   * What one run did.
   *
   * @param written images converted and written by this run
   * @param existing images already prepared by an earlier run, skipped
   * @param unreadable source files that could not be decoded: "path: reason"
   * @param problems validation labelling problems (missing files, unknown ids, empty synsets)
   * @param statistics the statistics cache file written, if there were training images
   * @param seconds wall-clock time
   */
  public record Result(
      int written,
      int existing,
      List<String> unreadable,
      List<String> problems,
      Optional<Path> statistics,
      double seconds) {
    public double imagesPerSecond() {
      return seconds > 0 ? (written + existing) / seconds : Double.NaN;
    }
  }

  private record Job(ImageDataset source, int index, Path target, boolean train) {}

  private final AugmentSettings settings;
  private final int quality;
  private final int workers;

  /**
   * @param quality JPEG quality, 1 to 100
   * @param workers threads, at least 1
   */
  public Preparer(AugmentSettings settings, int quality, int workers) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + quality);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    if (settings.preprocess().shorterSide() == 0) {
      throw new DatasetException(
          "prepare rescales to preprocess.shorter-side, which is 0; set it (the paper: 256)");
    }
    this.settings = settings;
    this.quality = quality;
    this.workers = workers;
  }

  /**
   * Prepares {@code source/train} and {@code source/val} (either may be missing, not both) into
   * {@code dest}.
   *
   * @throws DatasetException if {@code source} has neither, before anything is written
   */
  public Result prepare(Path source, Path dest, Progress progress) throws IOException {
    long start = System.nanoTime();
    String trainName = "train";
    String valName = "val";
    Path trainDir = source.resolve(trainName);
    Path valDir = source.resolve(valName);
    if (!Files.isDirectory(trainDir) && !Files.isDirectory(valDir)) {
      throw new DatasetException(
          "nothing to prepare in "
              + source.toAbsolutePath()
              + ": expected train/<class>/<image> and/or val/ (class folders, or ILSVRC's flat"
              + " folder with its ground truth)");
    }
    List<Job> jobs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ImageFolderDataset train = null;
    if (Files.isDirectory(trainDir)) {
      train = ImageFolderDataset.scan(trainDir);
      for (int i = 0; i < train.size(); i++) {
        jobs.add(new Job(train, i, dest.resolve(trainName).resolve(rel(train, i)), true));
      }
    }
    if (Files.isDirectory(valDir)) {
      Optional<IlsvrcValidation> flat = IlsvrcValidation.find(valDir);
      if (flat.isPresent()) {
        IlsvrcValidation val = flat.get();
        problems.addAll(val.problems());
        for (int i = 0; i < val.size(); i++) {
          String wnid = val.classNames().get(val.label(i));
          Path target =
              dest.resolve(valName).resolve(wnid).resolve(val.file(i).getFileName().toString());
          jobs.add(new Job(val, i, target, false));
        }
        Files.createDirectories(dest);
        Path list = val.synsets().file();
        Files.copy(list, dest.resolve(list.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      } else {
        ImageFolderDataset val = ImageFolderDataset.scan(valDir);
        for (int i = 0; i < val.size(); i++) {
          jobs.add(new Job(val, i, dest.resolve(valName).resolve(rel(val, i)), false));
        }
      }
    }
    if (train != null) {
      // The synset words, if the data came with them, travel beside the prepared data.
      Optional<Path> words = Synsets.find(List.of(source));
      if (words.isPresent() && !Files.exists(dest.resolve(words.get().getFileName()))) {
        Files.createDirectories(dest);
        Files.copy(words.get(), dest.resolve(words.get().getFileName()));
      }
    }
    progress.start(jobs.size());
    int size = settings.preprocess().centerSize();
    int trainCount = train == null ? 0 : train.size();
    int pixelsPerImage =
        trainCount == 0
            ? 0
            : (int)
                Math.min(
                    (long) size * size,
                    ((long) settings.statistics().pcaPixels() + trainCount - 1) / trainCount);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    AtomicInteger existing = new AtomicInteger();
    List<String> unreadable = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<StatisticsCalculator.Accumulator> parts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      StatisticsCalculator.Accumulator acc = new StatisticsCalculator.Accumulator(size);
      parts.add(acc);
      Thread t =
          new Thread(
              () -> {
                try {
                  Worker worker = new Worker(acc, pixelsPerImage);
                  int k;
                  while ((k = next.getAndIncrement()) < jobs.size() && failure.get() == null) {
                    Job job = jobs.get(k);
                    switch (worker.run(job)) {
                      case WRITTEN -> written.incrementAndGet();
                      case EXISTING -> existing.incrementAndGet();
                      case UNREADABLE ->
                          unreadable.add(
                              job.source.location(job.index)
                                  + ": "
                                  + job.source.unreadable().reasons().get(job.index));
                    }
                    progress.step();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "prepare-" + w);
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
      Throwable f = failure.get();
      if (f instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("prepare failed: " + f, f);
    }
    Optional<Path> statsFile = Optional.empty();
    if (train != null) {
      StatisticsCalculator.Accumulator total = new StatisticsCalculator.Accumulator(size);
      parts.forEach(total::merge);
      if (total.images > 0) {
        ImageFolderDataset prepared = ImageFolderDataset.scan(dest.resolve(trainName));
        Path file = StatisticsCache.file(prepared, settings);
        DatasetStatistics stats = total.finish();
        StatisticsCache.write(file, StatisticsCache.key(prepared, settings), stats);
        LOG.info("statistics of {} written to {}: {}", dest.resolve(trainName), file, stats);
        statsFile = Optional.of(file);
      }
    }
    List<String> sortedUnreadable = new ArrayList<>(unreadable);
    sortedUnreadable.sort(null);
    return new Result(
        written.get(),
        existing.get(),
        List.copyOf(sortedUnreadable),
        List.copyOf(problems),
        statsFile,
        (System.nanoTime() - start) / 1e9);
  }

  private static String rel(ImageFolderDataset data, int index) {
    return data.root().relativize(data.file(index)).toString();
  }

  private enum Outcome {
    WRITTEN,
    EXISTING,
    UNREADABLE
  }

  /** One thread's buffers. */
  private final class Worker {
    private final Preprocessor pre = new Preprocessor(settings.preprocess());
    private final StatisticsCalculator.Accumulator acc;
    private final int pixelsPerImage;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private BufferedImage buffer;

    Worker(StatisticsCalculator.Accumulator acc, int pixelsPerImage) {
      this.acc = acc;
      this.pixelsPerImage = pixelsPerImage;
    }

    Outcome run(Job job) throws IOException {
      if (Files.isRegularFile(job.target)) {
        if (!job.train) {
          return Outcome.EXISTING;
        }
        try {
          PlanarImage done = pre.apply(ImageDecoder.decode(Files.readAllBytes(job.target)));
          StatisticsCalculator.addImage(done, job.index, pixelsPerImage, acc);
          return Outcome.EXISTING;
        } catch (IOException | RuntimeException e) {
          LOG.warn("prepared file {} does not decode ({}); writing it again", job.target, e);
        }
      }
      PlanarImage image;
      try {
        image = pre.apply(job.source.read(job.index));
      } catch (IOException | RuntimeException e) {
        job.source.unreadable().record(job.index, job.source.location(job.index), e);
        return Outcome.UNREADABLE;
      }
      if (job.train) {
        StatisticsCalculator.addImage(image, job.index, pixelsPerImage, acc);
      }
      write(image, job.target);
      return Outcome.WRITTEN;
    }

    private void write(PlanarImage image, Path target) throws IOException {
      int size = image.width();
      if (buffer == null || buffer.getWidth() != size) {
        buffer = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
      }
      byte[] bgr = ((DataBufferByte) buffer.getRaster().getDataBuffer()).getData();
      byte[] p = image.pixels();
      int plane = size * size;
      for (int i = 0; i < plane; i++) {
        bgr[3 * i] = p[2 * plane + i];
        bgr[3 * i + 1] = p[plane + i];
        bgr[3 * i + 2] = p[i];
      }
      bytes.reset();
      encodeJpeg(buffer, quality, bytes);
      Files.createDirectories(target.getParent());
      // Hidden, so a scan of the prepared folder never lists a half-written file.
      Path temp = target.resolveSibling("." + target.getFileName() + PART);
      try {
        try (var out = Files.newOutputStream(temp)) {
          bytes.writeTo(out);
        }
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Encodes {@code image} as a baseline JPEG of {@code quality} (1..100). */
  static void encodeJpeg(BufferedImage image, int quality, ByteArrayOutputStream out)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
