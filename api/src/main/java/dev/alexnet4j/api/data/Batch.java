package dev.alexnet4j.api.data;

import dev.alexnet4j.api.tensor.Shape;

/**
 * A batch of images on the host: float NCHW pixels and integer class labels. The arrays hold a full
 * batch ({@code shape.batch()} samples); the last batch of an epoch may fill only the first {@link
 * #count()} of them, the rest being zeros with label -1.
 *
 * <p>Loaders recycle their buffers: call {@link #close()} when done with a batch so its arrays can
 * be filled again. A closed batch must not be read.
 */
public class Batch implements AutoCloseable {
  private final Shape shape;
  private final float[] images;
  private final int[] labels;
  private int count;

  public Batch(Shape shape, float[] images, int[] labels, int count) {
    if (shape.rank() != 4) {
      throw new IllegalArgumentException("a batch is NCHW, got shape " + shape);
    }
    if (images.length != shape.size() || labels.length != shape.batch()) {
      throw new IllegalArgumentException(
          "batch of shape "
              + shape
              + " needs "
              + shape.size()
              + " pixels and "
              + shape.batch()
              + " labels, got "
              + images.length
              + " and "
              + labels.length);
    }
    this.shape = shape;
    this.images = images;
    this.labels = labels;
    setCount(count);
  }

  /** A new, zeroed batch. */
  public static Batch allocate(Shape shape) {
    return new Batch(shape, new float[(int) shape.size()], new int[shape.batch()], 0);
  }

  public Shape shape() {
    return shape;
  }

  /** Pixels, NCHW row-major, {@code shape.size()} values. */
  public float[] images() {
    return images;
  }

  /** One label per sample slot; -1 in unused slots. */
  public int[] labels() {
    return labels;
  }

  /** How many leading samples are real. */
  public int count() {
    return count;
  }

  public final void setCount(int count) {
    if (count < 0 || count > shape.batch()) {
      throw new IllegalArgumentException("count " + count + " outside [0, " + shape.batch() + "]");
    }
    this.count = count;
  }

  /** Returns the buffers to their loader; a plain batch has nothing to return. */
  @Override
  public void close() {}
}
