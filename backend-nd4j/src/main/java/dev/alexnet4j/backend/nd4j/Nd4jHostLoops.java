package dev.alexnet4j.backend.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
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
 */
final class Nd4jHostLoops {
  /** Elements per parallel task: large enough to amortise a task, small enough to balance. */
  static final int CHUNK = 1 << 18;

  private static final boolean HOST_MEMORY = hostMemory();

  private Nd4jHostLoops() {}

  /** Whether arrays live in host memory (nd4j-native), where {@link #floats} can see them. */
  static boolean available() {
    return HOST_MEMORY;
  }

  /** A loop body over the index range [from, to). */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  /**
   * The elements of {@code array} as a float buffer indexed from 0, or null when the array is not a
   * contiguous float array in host memory.
   */
  static FloatBuffer floats(INDArray array) {
    if (!HOST_MEMORY
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

  private static boolean hostMemory() {
    // The extension property must be set before ND4J first loads (Nd4jNativeLibrary).
    Nd4jNativeLibrary.load();
    return Nd4j.getEnvironment().isCPU();
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

  /**
   * Runs {@code body} over [0, length) in chunks of {@link #CHUNK}, in parallel on the common pool
   * when there is more than one chunk. libnd4j's OpenMP threads are idle between ops, so the two
   * pools do not compete.
   */
  static void parallel(int length, Range body) {
    parallel(length, CHUNK, body);
  }

  /** As {@link #parallel(int, Range)}, in chunks of {@code chunk} elements. */
  static void parallel(int length, int chunk, Range body) {
    if (length <= chunk) {
      body.run(0, length);
      return;
    }
    int chunks = (length + chunk - 1) / chunk;
    IntStream.range(0, chunks)
        .parallel()
        .forEach(c -> body.run(c * chunk, Math.min(length, (c + 1) * chunk)));
  }

  /** Runs {@code task} for each of [0, count), in parallel on the common pool. */
  static void parallelTasks(int count, IntConsumer task) {
    if (count == 1) {
      task.accept(0);
      return;
    }
    IntStream.range(0, count).parallel().forEach(task);
  }
}
