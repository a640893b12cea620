package dev.alexnet4j.augment;

import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoch of an {@link ImageLoader}: worker threads claim images one at a time in epoch order,
 * decode, preprocess and render each into its row of a batch buffer, and at most {@code prefetch}
 * batches are in the making ahead of the consumer. Batches come out in order, and their contents
 * depend only on the seed, the epoch and the data: never on the number of workers or on timing.
 *
 * <p>An image that fails to decode leaves its rows empty; when the batch is complete the rows after
 * it move up, so the first {@link Batch#count()} rows are real, and the batch is short by that
 * image. Such failures are counted ({@link #skipped()}) and logged once per file. Any other error
 * in a worker ends the epoch: {@link #next()} rethrows it rather than waiting forever.
 */
public final class LoaderEpoch implements BatchIterator {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderEpoch.class);
  private static final long JOIN_MILLIS = 30_000;

  private final ImageDataset data;
  private final SampleRenderer renderer;
  private final PreprocessSettings preprocess;
  private final BatchPool pool;
  private final int epoch;
  private final int[] order;
  private final int imagesPerBatch;
  private final int batches;
  private final Slot[] window;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger skipped = new AtomicInteger();
  private final Runnable onClose;

  private final Object lock = new Object();
  // Guarded by lock:
  private int nextPosition;
  private int nextBatch;
  private boolean closed;
  private Throwable failure;

  /** A batch in the making. */
  private static final class Slot {
    int batchIndex = -1;
    BatchPool.PooledBatch batch;
    boolean[] ok;
    int images;
    int remaining;
    boolean ready;
  }

  LoaderEpoch(
      ImageDataset data,
      SampleRenderer renderer,
      PreprocessSettings preprocess,
      BatchPool pool,
      int epoch,
      int[] order,
      int imagesPerBatch,
      int workers,
      int prefetch,
      String threadName,
      Runnable onClose) {
    this.data = data;
    this.renderer = renderer;
    this.preprocess = preprocess;
    this.pool = pool;
    this.epoch = epoch;
    this.order = order;
    this.imagesPerBatch = imagesPerBatch;
    this.batches = (order.length + imagesPerBatch - 1) / imagesPerBatch;
    this.window = new Slot[prefetch];
    for (int i = 0; i < prefetch; i++) {
      window[i] = new Slot();
    }
    this.onClose = onClose;
    int threadCount = Math.min(workers, Math.max(1, order.length));
    for (int w = 0; w < threadCount; w++) {
      Thread t = new Thread(this::work, threadName + "-w" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** Images of this epoch that could not be decoded so far (all of them once it is consumed). */
  @Override
  public int skipped() {
    return skipped.get();
  }

  /** Batches in the epoch. */
  public int batches() {
    return batches;
  }

  @Override
  public boolean hasNext() {
    synchronized (lock) {
      return nextBatch < batches;
    }
  }

  @Override
  public Batch next() {
    Slot slot;
    BatchPool.PooledBatch batch;
    boolean last;
    synchronized (lock) {
      if (nextBatch >= batches) {
        throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
      }
      slot = window[nextBatch % window.length];
      while (!closed && failure == null && !(slot.batchIndex == nextBatch && slot.ready)) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for batch " + nextBatch, e);
        }
      }
      if (failure != null) {
        throw new IllegalStateException(
            "a loader worker failed in epoch " + epoch + ": " + failure, failure);
      }
      if (closed) {
        throw new IllegalStateException("epoch " + epoch + " was closed");
      }
      // Take the batch out before the slot is released: a worker may begin refilling it at once.
      batch = slot.batch;
      slot.batch = null;
      slot.ready = false;
      nextBatch++;
      last = nextBatch == batches;
      lock.notifyAll();
    }
    if (last) {
      reportEnd();
    }
    return batch;
  }

  private void reportEnd() {
    int n = skipped.get();
    if (n > 0) {
      LOG.warn(
          "epoch {}: skipped {} of {} images that could not be decoded (each file is logged once)",
          epoch,
          n,
          order.length);
    } else {
      LOG.debug("epoch {}: {} images, none skipped", epoch, order.length);
    }
  }

  /** Stops the workers and waits for them; batches already handed out stay valid. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    for (Thread t : threads) {
      try {
        t.join(JOIN_MILLIS);
        if (t.isAlive()) {
          LOG.warn("loader thread {} did not stop within {} ms", t.getName(), JOIN_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!threadsAlive()) {
      synchronized (lock) {
        for (Slot s : window) {
          if (s.batch != null) {
            s.batch.close();
            s.batch = null;
          }
        }
      }
    }
    onClose.run();
  }

  private boolean threadsAlive() {
    for (Thread t : threads) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }

  /** Whether every worker thread has ended. */
  boolean stopped() {
    return !threadsAlive();
  }

  private void work() {
    Preprocessor pre = new Preprocessor(preprocess);
    try {
      while (true) {
        int position;
        Slot slot;
        synchronized (lock) {
          while (!closed
              && failure == null
              && nextPosition < order.length
              && nextPosition / imagesPerBatch >= nextBatch + window.length) {
            lock.wait();
          }
          if (closed || failure != null || nextPosition >= order.length) {
            return;
          }
          position = nextPosition++;
          int b = position / imagesPerBatch;
          slot = window[b % window.length];
          if (position % imagesPerBatch == 0) {
            begin(slot, b);
          }
        }
        int row = position % imagesPerBatch;
        boolean ok = fill(slot.batch, row, order[position], pre);
        boolean last;
        synchronized (lock) {
          slot.ok[row] = ok;
          last = --slot.remaining == 0;
        }
        if (last) {
          finish(slot);
          synchronized (lock) {
            slot.ready = true;
            lock.notifyAll();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      synchronized (lock) {
        if (failure == null) {
          failure = e;
        }
        lock.notifyAll();
      }
    }
  }

  private void begin(Slot slot, int batchIndex) {
    slot.batchIndex = batchIndex;
    slot.batch = pool.take();
    slot.images = Math.min(imagesPerBatch, order.length - batchIndex * imagesPerBatch);
    slot.remaining = slot.images;
    slot.ok = new boolean[slot.images];
    slot.ready = false;
  }

  /** Decodes and renders one image into its rows; false if the image had to be skipped. */
  private boolean fill(Batch batch, int row, int index, Preprocessor pre) {
    int rows = renderer.rowsPerImage();
    int at = row * rows * renderer.rowSize();
    try {
      PlanarImage image = pre.apply(data.read(index));
      renderer.render(image, epoch, index, batch.images(), at);
      Arrays.fill(batch.labels(), row * rows, (row + 1) * rows, data.label(index));
      return true;
    } catch (Exception e) {
      // Whatever a decoder throws on a bad file, the worker lives on and the image is skipped.
      data.unreadable().record(index, data.location(index), e);
      skipped.incrementAndGet();
      return false;
    }
  }

  /** Moves real rows over skipped ones, clears the rest, and sets the count. */
  private void finish(Slot slot) {
    Batch batch = slot.batch;
    int rows = renderer.rowsPerImage();
    int imageFloats = rows * renderer.rowSize();
    float[] pixels = batch.images();
    int[] labels = batch.labels();
    int kept = 0;
    for (int i = 0; i < slot.images; i++) {
      if (!slot.ok[i]) {
        continue;
      }
      if (kept != i) {
        System.arraycopy(pixels, i * imageFloats, pixels, kept * imageFloats, imageFloats);
        System.arraycopy(labels, i * rows, labels, kept * rows, rows);
      }
      kept++;
    }
    Arrays.fill(pixels, kept * imageFloats, pixels.length, 0f);
    Arrays.fill(labels, kept * rows, labels.length, -1);
    batch.setCount(kept * rows);
  }
}
