package dev.alexnet4j.api.data;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/**
 * A view of one {@link Shard} of a source, so that code written for a whole data source (the
 * trainer's epochs, the evaluator) runs unchanged on a process's part. It does not own the source.
 */
public final class ShardedDataSource implements DataSource {
  private final DataSource source;
  private final Shard shard;
  private final int batch;

  /**
   * @param batch samples per shard per step, which fixes the cut (see {@link Shard})
   */
  public ShardedDataSource(DataSource source, Shard shard, int batch) {
    this.source = source;
    this.shard = shard;
    this.batch = batch;
  }

  @Override
  public Shape sampleShape() {
    return source.sampleShape();
  }

  @Override
  public List<String> classNames() {
    return source.classNames();
  }

  @Override
  public long size() {
    return shard.size(source.size(), batch);
  }

  @Override
  public int viewsPerImage() {
    return source.viewsPerImage();
  }

  /**
   * @throws IllegalArgumentException for another batch size than the cut was made for
   */
  @Override
  public BatchIterator epoch(int epoch, int batchSize) {
    if (batchSize != batch) {
      throw new IllegalArgumentException(
          "this shard is cut for batches of " + batch + ", asked for " + batchSize);
    }
    return source.epoch(epoch, batchSize, shard);
  }

  @Override
  public void close() {}
}
