package dev.alexnet4j.augment;

import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.data.Shard;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ImageDataset} delivered as float NCHW batches: decoded and preprocessed by worker
 * threads, with the paper's training augmentation ({@link #training}) or its fixed test views
 * ({@link #evaluation}), mean subtracted.
 *
 * <p>Batch size counts images. In ten-view evaluation every image fills ten consecutive rows, so a
 * batch of {@code n} images has shape {@code [10n, 3, crop, crop]} and {@link #viewsPerImage()} is
 * 10; average the network's outputs over each group of ten rows.
 *
 * <p>Closing the loader stops the threads of every epoch still open.
 */
public final class ImageLoader implements DataSource {
  private static final AtomicInteger LOADERS = new AtomicInteger();

  private final ImageDataset data;
  private final AugmentSettings settings;
  private final SampleRenderer renderer;
  private final boolean shuffle;
  private final String name;
  private final Set<LoaderEpoch> open = ConcurrentHashMap.newKeySet();
  private BatchPool pool;
  private boolean closed;

  private ImageLoader(
      ImageDataset data, AugmentSettings settings, SampleRenderer renderer, boolean shuffle) {
    if (data.size() == 0) {
      throw new DatasetException("the data set has no images");
    }
    this.data = data;
    this.settings = settings;
    this.renderer = renderer;
    this.shuffle = shuffle;
    this.name = "augment-" + LOADERS.incrementAndGet();
  }

  /**
   * Training batches: random crops, mirrors and colour noise as {@code alexnet4j.augment.train}
   * says, in a new order each epoch if {@code train.shuffle}.
   *
   * @param stats the training set's statistics (see {@link StatisticsCache})
   */
  public static ImageLoader training(
      ImageDataset data, DatasetStatistics stats, AugmentSettings settings) {
    checkStatistics(stats, settings);
    return new ImageLoader(
        data,
        settings,
        new TrainingAugmentation(settings.seed(), settings.preprocess(), settings.train(), stats),
        settings.train().shuffle());
  }

  /**
   * Evaluation batches in data-set order: the centre patch or the ten views of {@code eval.views}.
   *
   * @param stats the training set's statistics: evaluation subtracts the training mean
   */
  public static ImageLoader evaluation(
      ImageDataset data, DatasetStatistics stats, AugmentSettings settings) {
    checkStatistics(stats, settings);
    return new ImageLoader(
        data,
        settings,
        new EvaluationViews(settings.evalViews(), settings.preprocess(), stats),
        false);
  }

  private static void checkStatistics(DatasetStatistics stats, AugmentSettings settings) {
    if (stats.size() != settings.preprocess().centerSize()) {
      throw new IllegalArgumentException(
          "statistics were computed over "
              + stats.size()
              + "x"
              + stats.size()
              + " images but preprocess.center-size is "
              + settings.preprocess().centerSize()
              + "; compute them with the same settings");
    }
  }

  @Override
  public Shape sampleShape() {
    int crop = settings.preprocess().cropSize();
    return Shape.of(3, crop, crop);
  }

  /** Rows per image in a batch: 10 for the paper's test views, otherwise 1. */
  @Override
  public int viewsPerImage() {
    return renderer.rowsPerImage();
  }

  @Override
  public List<String> classNames() {
    return data.classNames();
  }

  @Override
  public long size() {
    return data.size();
  }

  public ImageDataset dataset() {
    return data;
  }

  /** Images of the data set that could not be decoded so far, over every epoch. */
  public UnreadableFiles unreadable() {
    return data.unreadable();
  }

  /**
   * Starts preparing the batches of {@code epoch}; close the result to stop its threads early.
   *
   * @param batchSize images per batch (rows are {@code batchSize * viewsPerImage()})
   */
  @Override
  public LoaderEpoch epoch(int epoch, int batchSize) {
    return epoch(epoch, batchSize, Shard.whole());
  }

  /** This process's shard of the epoch; augmentation is keyed by image, so shards draw as one. */
  @Override
  public synchronized LoaderEpoch epoch(int epoch, int batchSize, Shard shard) {
    if (closed) {
      throw new IllegalStateException("loader " + name + " is closed");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    Shape shape = sampleShape().batchOf(batchSize * renderer.rowsPerImage());
    if (shape.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a batch of "
              + batchSize
              + " images of "
              + renderer.rowsPerImage()
              + " views each ("
              + shape
              + ") exceeds a Java array; use a smaller batch");
    }
    if (pool == null || !pool.shape().equals(shape)) {
      pool = new BatchPool(shape);
    }
    int[] order =
        shard.select(
            shuffle ? SampleRandom.permutation(settings.seed(), epoch, data.size()) : identity(),
            batchSize);
    LoaderEpoch[] self = new LoaderEpoch[1];
    LoaderEpoch run =
        new LoaderEpoch(
            data,
            renderer,
            settings.preprocess(),
            pool,
            epoch,
            order,
            batchSize,
            settings.workers(),
            settings.prefetchBatches(),
            name + "-e" + epoch,
            !(renderer instanceof EvaluationViews),
            () -> open.remove(self[0]));
    self[0] = run;
    open.add(run);
    return run;
  }

  private int[] identity() {
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return order;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    for (LoaderEpoch run : List.copyOf(open)) {
      run.close();
    }
  }
}
