package dev.alexnet4j.api.data;

import dev.alexnet4j.api.tensor.Shape;
import java.util.List;

/** Labelled images delivered in batches, epoch after epoch. */
public interface DataSource extends AutoCloseable {
  /** The shape of one sample as delivered: [C, H, W]. */
  Shape sampleShape();

  /** Class names in label order: label i is {@code classNames().get(i)}. */
  List<String> classNames();

  /** Number of samples in one epoch. */
  long size();

  /**
   * Rows each sample occupies in a batch: 1, or e.g. 10 for the paper's ten test views, delivered
   * as consecutive rows so an evaluator can average them. {@code epoch(e, n)} then yields batches
   * of {@code n * viewsPerImage()} rows, and a batch's count counts rows.
   */
  default int viewsPerImage() {
    return 1;
  }

  /**
   * The batches of one epoch, in an order fixed by the source's seed and {@code epoch}. The
   * iterator must be closed (it may own threads).
   */
  BatchIterator epoch(int epoch, int batchSize);

  /**
   * This process's shard of the epoch {@link #epoch(int, int)} would give a batch of {@code
   * batchSize * shard.count()}: batches of {@code batchSize} (see {@link Shard}). Sources that
   * cannot shard support only the whole.
   */
  default BatchIterator epoch(int epoch, int batchSize, Shard shard) {
    if (shard.count() == 1) {
      return epoch(epoch, batchSize);
    }
    throw new UnsupportedOperationException(
        getClass().getSimpleName()
            + " cannot deliver shards; data-parallel training across processes needs a source"
            + " that can (image folders, IDX files, in-memory data)");
  }

  @Override
  void close();
}
