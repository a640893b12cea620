package dev.alexnet4j.augment;

import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoch of an {@link ImageLoader}: worker threads claim images one at a time in epoch order,
 * decode and preprocess each, and render it into the next free row of a batch buffer; at most
 * {@code prefetch} batches are in the making ahead of the consumer. Batches come out in order, and
 * their contents depend only on the seed, the epoch and the data: never on the number of workers or
 * on timing.
 *
 * <p>An image that fails to decode is skipped: the images after it move up, so every batch but the
 * last is full and the epoch is short by the skipped images only. (A trainer drops a short batch,
 * so a short batch in the middle would end its epoch.) A row goes to an image only once every image
 * before it in the order has been decoded or has failed, which keeps the batches the same whatever
 * the timing. Failures are counted ({@link #skipped()}) and each file is logged once. Any other
 * error in a worker, rendering included, ends the epoch: {@link #next()} rethrows it rather than
 * waiting forever.
 */
public final class LoaderEpoch implements BatchIterator {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderEpoch.class);
  private static final long JOIN_MILLIS = 30_000;

  private final ImageDataset data;
  private final SampleRenderer renderer;
  private final PreprocessSettings preprocess;
  private final BatchPool pool;
  private final int epoch;
  private final String pass;
  private final int[] order;
  private final int imagesPerBatch;
  private final Slot[] window;
  private final List<Thread> threads = new ArrayList<>();
  private final Runnable onClose;

  private final Object lock = new Object();
  // Guarded by lock:
  private int nextPosition;
  private int failed;
  // Positions at or after the frontier that are decoded; a null image is a failed one.
  private final Map<Integer, PlanarImage> decoded = new HashMap<>();
  private int frontier;
  private int kept;
  private final Queue<Row> toRender = new ArrayDeque<>();
  // Copies of preprocessed images, recycled: a decoded image may wait for its row.
  private final Deque<PlanarImage> spare = new ArrayDeque<>();
  private int nextBatch;
  private boolean reported;
  private boolean closed;
  private Throwable failure;

  /** A batch in the making. */
  private static final class Slot {
    int batchIndex = -1;
    BatchPool.PooledBatch batch;
    int assigned;
    int rendered;
    boolean ready;
  }

  /** A decoded image with the batch row it goes to. */
  private record Row(PlanarImage image, int index, Slot slot, int row) {}

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
      boolean numbered,
      Runnable onClose) {
    this.data = data;
    // An evaluation pass (validation, eval, predict) is no epoch of the user's: it is not numbered.
    this.pass = numbered ? "epoch " + epoch + ": " : "";
    this.renderer = renderer;
    this.preprocess = preprocess;
    this.pool = pool;
    this.epoch = epoch;
    this.order = order;
    this.imagesPerBatch = imagesPerBatch;
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
    synchronized (lock) {
      return failed;
    }
  }

  /**
   * Whether another batch comes; waits until that is known, which can take until every image up to
   * the next full batch has been tried.
   */
  @Override
  public boolean hasNext() {
    synchronized (lock) {
      while (!closed && failure == null) {
        if (kept > nextBatch * (long) imagesPerBatch) {
          return true;
        }
        if (frontier == order.length) {
          reportEnd();
          return false;
        }
        waitForChange();
      }
      // Let next() say why the epoch broke off.
      return true;
    }
  }

  @Override
  public Batch next() {
    synchronized (lock) {
      Slot slot = window[nextBatch % window.length];
      while (failure == null && !closed && !(slot.batchIndex == nextBatch && slot.ready)) {
        if (frontier == order.length && kept <= nextBatch * (long) imagesPerBatch) {
          throw new NoSuchElementException(
              "epoch " + epoch + " has " + batchesOf(kept) + " batches");
        }
        waitForChange();
      }
      if (failure != null) {
        throw new IllegalStateException(
            "a loader worker failed in epoch " + epoch + ": " + failure, failure);
      }
      if (closed) {
        throw new IllegalStateException("epoch " + epoch + " was closed");
      }
      // Take the batch out before the slot is released: a worker may begin refilling it at once.
      BatchPool.PooledBatch batch = slot.batch;
      slot.batch = null;
      slot.ready = false;
      nextBatch++;
      if (frontier == order.length && nextBatch == batchesOf(kept)) {
        reportEnd();
      }
      lock.notifyAll();
      return batch;
    }
  }

  private int batchesOf(int images) {
    return (images + imagesPerBatch - 1) / imagesPerBatch;
  }

  private void waitForChange() {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for batch " + nextBatch, e);
    }
  }

  /** Logs the epoch's skips once, when its end is known; call with the lock held. */
  private void reportEnd() {
    if (reported || frontier < order.length) {
      return;
    }
    reported = true;
    if (failed > 0) {
      LOG.warn(
          "{}skipped {} of {} images that could not be decoded (each file is logged once)",
          pass,
          failed,
          order.length);
    } else {
      LOG.debug("{}{} images, none skipped", pass, order.length);
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
        decoded.clear();
        toRender.clear();
        spare.clear();
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

  /** Renders rows that have one (first, as they free memory and complete batches), else decodes. */
  private void work() {
    Preprocessor pre = new Preprocessor(preprocess);
    try {
      while (true) {
        Row row = null;
        int position = -1;
        synchronized (lock) {
          while (row == null && position < 0) {
            if (closed || failure != null) {
              return;
            }
            row = toRender.poll();
            if (row == null && mayClaim()) {
              position = nextPosition++;
            } else if (row == null) {
              if (frontier == order.length) {
                return;
              }
              lock.wait();
            }
          }
        }
        if (row != null) {
          render(row);
        } else {
          PlanarImage image = decode(order[position], pre);
          synchronized (lock) {
            if (image == null) {
              failed++;
            }
            decoded.put(position, image);
            advance();
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

  /**
   * Whether the next position may be decoded now: whatever fails before it, its row lies in one of
   * the {@code prefetch} batches after those handed out. Call with the lock held.
   */
  private boolean mayClaim() {
    // Every failure known so far lies before nextPosition, so its row is at most this.
    long row = (long) nextPosition - failed;
    return nextPosition < order.length && row < (long) (nextBatch + window.length) * imagesPerBatch;
  }

  /** Gives rows to the decoded images at the frontier, in order. Call with the lock held. */
  private void advance() {
    while (frontier < order.length && decoded.containsKey(frontier)) {
      PlanarImage image = decoded.remove(frontier);
      if (image != null) {
        int b = kept / imagesPerBatch;
        Slot slot = window[b % window.length];
        if (kept % imagesPerBatch == 0) {
          begin(slot, b);
        }
        slot.assigned++;
        toRender.add(new Row(image, order[frontier], slot, kept % imagesPerBatch));
        kept++;
      }
      frontier++;
    }
    if (frontier == order.length && kept % imagesPerBatch != 0) {
      // The last batch is short: it is complete once its rows are rendered.
      completeIfDone(window[(kept / imagesPerBatch) % window.length]);
    }
  }

  private void begin(Slot slot, int batchIndex) {
    slot.batchIndex = batchIndex;
    slot.batch = pool.take();
    slot.assigned = 0;
    slot.rendered = 0;
    slot.ready = false;
  }

  /**
   * Decodes and preprocesses one image into an image of its own (the preprocessor's output is
   * overwritten by its next image, and this one may wait for its row); null, and logged, if it has
   * to be skipped.
   */
  private PlanarImage decode(int index, Preprocessor pre) {
    PlanarImage out;
    try {
      out = pre.apply(data.read(index));
    } catch (Exception e) {
      // Whatever a decoder throws on a bad file, the worker lives on and the image is skipped.
      data.unreadable().record(index, data.location(index), e);
      return null;
    }
    PlanarImage copy;
    synchronized (lock) {
      copy = spare.poll();
    }
    if (copy == null || copy.width() != out.width() || copy.height() != out.height()) {
      copy = PlanarImage.allocate(out.width(), out.height());
    }
    System.arraycopy(out.pixels(), 0, copy.pixels(), 0, copy.pixels().length);
    return copy;
  }

  private void render(Row r) {
    int rows = renderer.rowsPerImage();
    Batch batch = r.slot().batch;
    int at = r.row() * rows * renderer.rowSize();
    renderer.render(r.image(), epoch, r.index(), batch.images(), at);
    Arrays.fill(batch.labels(), r.row() * rows, (r.row() + 1) * rows, data.label(r.index()));
    synchronized (lock) {
      spare.push(r.image());
      r.slot().rendered++;
      completeIfDone(r.slot());
    }
  }

  /**
   * Marks a batch ready when all its rows are rendered: a full batch, or the last one once the
   * epoch's end is known, its empty rows cleared. Call with the lock held.
   */
  private void completeIfDone(Slot slot) {
    if (slot.ready || slot.batch == null || slot.rendered < slot.assigned) {
      return;
    }
    boolean last = frontier == order.length && slot.batchIndex == batchesOf(kept) - 1;
    if (slot.rendered < imagesPerBatch && !last) {
      return;
    }
    int rows = renderer.rowsPerImage();
    Batch batch = slot.batch;
    float[] pixels = batch.images();
    Arrays.fill(pixels, slot.rendered * rows * renderer.rowSize(), pixels.length, 0f);
    Arrays.fill(batch.labels(), slot.rendered * rows, batch.labels().length, -1);
    batch.setCount(slot.rendered * rows);
    slot.ready = true;
    lock.notifyAll();
  }
}
