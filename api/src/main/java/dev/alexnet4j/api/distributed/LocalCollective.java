package dev.alexnet4j.api.distributed;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** One process alone: rank 0 of 1, where every collective leaves the data as it is. */
public final class LocalCollective implements Collective {
  public static final String NAME = "local";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public int localRank() {
    return 0;
  }

  @Override
  public void allreduceSum(FloatBuffer data, int count) {
    requireDirect(data.isDirect(), count, data.capacity());
  }

  @Override
  public void broadcast(FloatBuffer data, int count, int root) {
    requireRoot(root);
    requireDirect(data.isDirect(), count, data.capacity());
  }

  @Override
  public void broadcast(ByteBuffer data, int bytes, int root) {
    requireRoot(root);
    requireDirect(data.isDirect(), bytes, data.capacity());
  }

  @Override
  public void barrier() {}

  @Override
  public void close() {}

  // The same checks a native implementation needs, so code tested locally fails the same way.
  private static void requireDirect(boolean direct, int count, int capacity) {
    if (!direct) {
      throw new IllegalArgumentException(
          "collective buffers must be direct (ByteBuffer.allocateDirect)");
    }
    if (count < 0 || count > capacity) {
      throw new IllegalArgumentException(
          "collective count " + count + " outside the buffer's capacity " + capacity);
    }
  }

  private static void requireRoot(int root) {
    if (root != 0) {
      throw new IllegalArgumentException("root rank " + root + " does not exist in a world of 1");
    }
  }
}
