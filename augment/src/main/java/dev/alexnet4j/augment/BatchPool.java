package dev.alexnet4j.augment;

import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.tensor.Shape;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Batch buffers of one shape, handed out and given back on {@link Batch#close()}, so an epoch
 * allocates its (large) float arrays only until the consumer starts closing batches. A consumer
 * that never closes simply makes the pool allocate. Thread-safe.
 */
final class BatchPool {
  private final Shape shape;
  private final ConcurrentLinkedDeque<PooledBatch> free = new ConcurrentLinkedDeque<>();

  BatchPool(Shape shape) {
    this.shape = shape;
  }

  Shape shape() {
    return shape;
  }

  /** A free batch, or a new one. Its contents are whatever it last held. */
  PooledBatch take() {
    PooledBatch batch = free.pollFirst();
    if (batch == null) {
      batch = new PooledBatch(this);
    }
    batch.handedOut();
    return batch;
  }

  private void give(PooledBatch batch) {
    free.addFirst(batch);
  }

  /** A batch that returns its buffers to its pool when closed; closing twice is harmless. */
  static final class PooledBatch extends Batch {
    private final BatchPool pool;
    private final AtomicBoolean out = new AtomicBoolean();

    private PooledBatch(BatchPool pool) {
      super(pool.shape, new float[(int) pool.shape.size()], new int[pool.shape.batch()], 0);
      this.pool = pool;
    }

    private void handedOut() {
      out.set(true);
    }

    @Override
    public void close() {
      if (out.compareAndSet(true, false)) {
        pool.give(this);
      }
    }
  }
}
