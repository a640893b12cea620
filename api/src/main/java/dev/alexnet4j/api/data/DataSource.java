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
   * The batches of one epoch, in an order fixed by the source's seed and {@code epoch}. The
   * iterator must be closed (it may own threads).
   */
  BatchIterator epoch(int epoch, int batchSize);

  @Override
  void close();
}
