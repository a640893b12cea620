package dev.alexnet4j.api.backend;

import java.nio.charset.StandardCharsets;

/**
 * The counter-based dropout mask every backend must reproduce bit for bit: whether a unit is kept
 * is a pure function of (seed, layer id, step, global element index), so the same units are dropped
 * whatever the device split, batch order of work, or backend.
 *
 * <p>The per-element part uses only 32-bit xor, logical right shift and wrapping multiply (Wellons'
 * "lowbias32" mixer), which every backend has: {@code x = index ^ key; x ^= x >>> 16; x *=
 * 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b; x ^= x >>> 16}. The unit is kept when {@code (x >>>
 * 8) >= threshold(rate)}, i.e. with probability 1 - rate on a 2^-24 grid. The stream key folds
 * seed, layer and step on the host, once per step.
 */
public final class DropoutMask {
  private DropoutMask() {}

  /** A stable id for a layer name, independent of JVM and platform. */
  public static int layerId(String layerName) {
    int h = 0x811c9dc5;
    for (byte b : layerName.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  /** The 32-bit key of one (seed, layer, step) stream. */
  public static int streamKey(long seed, int layerId, long step) {
    long z = seed;
    z = mix64(z ^ (0x9e3779b97f4a7c15L * ((layerId & 0xffffffffL) + 1)));
    z = mix64(z + 0xbf58476d1ce4e5b9L * (step + 1));
    return (int) (z ^ (z >>> 32));
  }

  /** Units whose 24-bit draw is below this are dropped. */
  public static int threshold(float rate) {
    return (int) Math.round(rate * (double) (1 << 24));
  }

  /** The 24-bit uniform draw for one element of a stream. */
  public static int draw(int streamKey, int globalIndex) {
    int x = globalIndex ^ streamKey;
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    return x >>> 8;
  }

  /** Whether the element is kept. */
  public static boolean keep(int streamKey, int globalIndex, float rate) {
    return draw(streamKey, globalIndex) >= threshold(rate);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
