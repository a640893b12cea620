package dev.alexnet4j.backend.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java loops straight over the host memory of ND4J arrays, for the memory-bound elementwise work
 * that libnd4j can only do as a chain of separate ops, each one more pass over memory (the SGD
 * update was four: 11 array reads and writes per weight where one fused loop needs 5).
 *
 * <p>Only for contiguous float arrays in host memory: on nd4j-cuda the host copy may be stale, so
 * {@link #floats} returns null there and callers keep their ND4J ops.
 *
 * <p>The loops run on the calling thread and on helper threads of this class's own, started by
 * {@link Nd4jNativeLibrary#load()} before libnd4j is loaded. With {@code OMP_PROC_BIND=true}
 * libnd4j's first OpenMP region pins the calling thread to one core, and Linux threads inherit the
 * creating thread's affinity: every thread made after that (the common fork-join pool's workers
 * included) shares that one core. Measured: parallel streams ran these loops at half speed, and
 * slowed the libnd4j ops that followed.
 */
final class Nd4jHostLoops {
  /** Elements per parallel task: large enough to amortise a task, small enough to balance. */
  static final int CHUNK = 1 << 18;

  private Nd4jHostLoops() {}

  /** A loop body over the index range [from, to). */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  /** How many threads (the caller's included) a loop started on this thread may use. */
  private static final ThreadLocal<Integer> WIDTH =
      ThreadLocal.withInitial(() -> Integer.MAX_VALUE);

  /**
   * Limits the loops this thread starts to {@code threads} threads, its own included: a virtual
   * device's thread stays within its share of the cores (1: the loops run on the caller alone).
   */
  static void limitCallingThread(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a loop needs at least one thread, got " + threads);
    }
    WIDTH.set(threads);
  }

  /** How many threads a loop started on this thread may use, its own included. */
  static int callingThreadWidth() {
    return Math.min(WIDTH.get(), Helpers.COUNT + 1);
  }

  /** Starts the helper threads; call before libnd4j first runs an op on any thread. */
  static void startHelpers() {
    Helpers.start();
  }

  /** Whether arrays live in host memory (nd4j-native), where {@link #floats} can see them. */
  static boolean available() {
    return HostMemory.AVAILABLE;
  }

  /**
   * The elements of {@code array} as a float buffer indexed from 0, or null when the array is not a
   * contiguous float array in host memory.
   */
  static FloatBuffer floats(INDArray array) {
    if (!HostMemory.AVAILABLE
        || array.dataType() != DataType.FLOAT
        || array.length() > Integer.MAX_VALUE
        || !contiguous(array)) {
      return null;
    }
    ByteBuffer bytes = array.data().asNio();
    if (bytes == null || !bytes.isDirect()) {
      return null;
    }
    long start = array.offset() * Float.BYTES;
    long end = start + array.length() * Float.BYTES;
    if (end > bytes.capacity()) {
      return null;
    }
    return bytes
        .position((int) start)
        .limit((int) end)
        .slice()
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  private static boolean contiguous(INDArray array) {
    if (array.isEmpty()) {
      return false;
    }
    if (array.length() == 1) {
      return true;
    }
    return array.ordering() == 'c' && array.elementWiseStride() == 1;
  }

  /** Runs {@code body} over [0, length) in chunks of {@link #CHUNK}, in parallel. */
  static void parallel(int length, Range body) {
    parallel(length, CHUNK, body);
  }

  /** As {@link #parallel(int, Range)}, in chunks of {@code chunk} elements. */
  static void parallel(int length, int chunk, Range body) {
    int chunks = (length + chunk - 1) / chunk;
    parallelTasks(chunks, c -> body.run(c * chunk, Math.min(length, (c + 1) * chunk)));
  }

  /**
   * Runs {@code task} for each of [0, count): the caller and the helper threads take indices from
   * one counter until none is left; returns when all have run, rethrowing the first failure.
   */
  static void parallelTasks(int count, IntConsumer task) {
    ExecutorService helpers = Helpers.POOL;
    int helping = Math.min(Helpers.COUNT, WIDTH.get() - 1);
    if (count <= 1 || helpers == null || helping <= 0) {
      for (int i = 0; i < count; i++) {
        task.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable drain =
        () -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
              task.accept(i);
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            } finally {
              done.incrementAndGet();
            }
          }
        };
    for (int h = 0; h < helping; h++) {
      helpers.execute(drain);
    }
    drain.run();
    // Only tasks already taken by a helper can be left: at most one task's time.
    while (done.get() < count) {
      Thread.onSpinWait();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /** Whether ND4J keeps arrays in host memory; read on first use, after libnd4j is loaded. */
  private static final class HostMemory {
    static final boolean AVAILABLE = Nd4j.getEnvironment().isCPU();
  }

  /** One helper per core beyond the caller's, made once and never timed out (see class doc). */
  private static final class Helpers {
    static final int COUNT = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    static final ExecutorService POOL = create();

    static void start() {
      // Class initialisation made the threads.
    }

    private static ExecutorService create() {
      if (COUNT == 0) {
        return null;
      }
      AtomicInteger number = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              COUNT,
              COUNT,
              0,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "alexnet4j-nd4j-loops-" + number.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.prestartAllCoreThreads();
      return pool;
    }
  }
}
