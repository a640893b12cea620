package dev.alexnet4j.augment;

import java.util.SplittableRandom;

/**
 * Counter-based randomness: every draw derives from (seed, epoch, sample index) through SplitMix64
 * hashing, never from a generator shared between threads. That is what makes the batches of a seed
 * the same whatever the number of workers and whichever worker takes which image.
 */
final class SampleRandom {
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;
  private static final long ORDER_SALT = 0x0bde7a5eL;

  private SampleRandom() {}

  /** SplitMix64's finaliser: a bijective, well-mixed hash of 64 bits. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A hash of two values; different pairs give unrelated results. */
  static long mix(long a, long b) {
    return mix64(mix64(a + GOLDEN) + b * GOLDEN);
  }

  /** The generator of one presentation of one sample. */
  static SplittableRandom forSample(long seed, int epoch, int index) {
    return new SplittableRandom(mix(mix(seed, epoch), index));
  }

  /** The visiting order of an epoch: a Fisher-Yates shuffle of 0..n-1 seeded by (seed, epoch). */
  static int[] permutation(long seed, int epoch, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(mix(mix(seed ^ ORDER_SALT, epoch), -1));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * A standard normal draw by the Box-Muller transform, written out so the values do not depend on
   * the JDK's choice of algorithm.
   */
  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]: the log must not see 0
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
