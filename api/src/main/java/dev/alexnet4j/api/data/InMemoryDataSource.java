package dev.alexnet4j.api.data;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Labelled samples held in memory, served in batches; shuffled per epoch from (seed, epoch) when
 * asked to, so the order of any epoch can be reproduced without replaying the ones before.
 */
public final class InMemoryDataSource implements DataSource {
  private final Shape sample;
  private final float[] images;
  private final int[] labels;
  private final List<String> classNames;
  private final long seed;
  private final boolean shuffle;

  /**
   * @param images {@code labels.length} samples of {@code sample} shape, row-major
   * @param shuffle whether each epoch has its own order
   */
  public InMemoryDataSource(
      Shape sample,
      float[] images,
      int[] labels,
      List<String> classNames,
      long seed,
      boolean shuffle) {
    if (images.length != sample.size() * labels.length) {
      throw new IllegalArgumentException(
          labels.length
              + " samples of "
              + sample
              + " need "
              + sample.size() * labels.length
              + " values, got "
              + images.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException(
            "label "
                + labels[i]
                + " of sample "
                + i
                + " is outside the "
                + classNames.size()
                + " classes");
      }
    }
    this.sample = sample;
    this.images = images;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
    this.seed = seed;
    this.shuffle = shuffle;
  }

  @Override
  public Shape sampleShape() {
    return sample;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public long size() {
    return labels.length;
  }

  @Override
  public BatchIterator epoch(int epoch, int batchSize) {
    return new Iterator(order(epoch), batchSize);
  }

  @Override
  public BatchIterator epoch(int epoch, int batchSize, Shard shard) {
    return new Iterator(shard.select(order(epoch), batchSize), batchSize);
  }

  private int[] order(int epoch) {
    int[] order = new int[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  @Override
  public void close() {}

  private final class Iterator implements BatchIterator {
    private final int[] order;
    private final int batchSize;
    private int next;

    Iterator(int[] order, int batchSize) {
      this.order = order;
      this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
      return next < order.length;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Batch batch = Batch.allocate(sample.batchOf(batchSize));
      int sampleSize = Math.toIntExact(sample.size());
      int count = Math.min(batchSize, order.length - next);
      java.util.Arrays.fill(batch.labels(), -1);
      for (int i = 0; i < count; i++) {
        int s = order[next + i];
        System.arraycopy(images, s * sampleSize, batch.images(), i * sampleSize, sampleSize);
        batch.labels()[i] = labels[s];
      }
      batch.setCount(count);
      next += count;
      return batch;
    }

    @Override
    public void close() {}
  }
}
