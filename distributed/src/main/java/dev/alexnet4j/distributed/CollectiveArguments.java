package dev.alexnet4j.distributed;

import java.nio.Buffer;

/**
 * The argument checks every native collective makes before handing an address to C: a heap buffer
 * has no stable address, and a count past the capacity would read or write past the end.
 */
final class CollectiveArguments {
  private CollectiveArguments() {}

  static void requireDirect(String operation, Buffer data, int count) {
    if (!data.isDirect()) {
      throw new IllegalArgumentException(
          operation + ": the buffer must be direct (ByteBuffer.allocateDirect), got a heap buffer");
    }
    if (count < 0 || count > data.capacity()) {
      throw new IllegalArgumentException(
          operation + ": count " + count + " outside the buffer's capacity " + data.capacity());
    }
  }

  static void requireRoot(String operation, int root, int size) {
    if (root < 0 || root >= size) {
      throw new IllegalArgumentException(
          operation + ": root rank " + root + " does not exist in a world of " + size);
    }
  }
}
