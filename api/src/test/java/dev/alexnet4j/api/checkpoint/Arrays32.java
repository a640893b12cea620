package dev.alexnet4j.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;

/** Test data and bit-exact comparisons of float arrays. */
final class Arrays32 {
  private Arrays32() {}

  /** Values that catch a lossy or reordering codec: specials, subnormals, sign of zero. */
  static final float[] SPECIALS = {
    0f,
    -0f,
    1f,
    -1.5f,
    Float.MIN_VALUE,
    -Float.MIN_NORMAL / 3,
    Float.MAX_VALUE,
    Float.NEGATIVE_INFINITY,
    Float.POSITIVE_INFINITY,
    Float.intBitsToFloat(0x7fc00001), // a quiet NaN with a payload
    Float.NaN,
    (float) Math.PI
  };

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble(-1, 1) * 0.01);
    }
    for (int i = 0; i < Math.min(n, SPECIALS.length); i++) {
      v[i] = SPECIALS[i];
    }
    return v;
  }

  static NpyArray array(long seed, int... shape) {
    return new NpyArray(shape, random((int) NpyArray.elementCount(shape), seed));
  }

  static void assertBitExact(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      int e = Float.floatToRawIntBits(expected[i]);
      int a = Float.floatToRawIntBits(actual[i]);
      if (e != a) {
        throw new AssertionError(
            String.format(
                "%s[%d]: expected %s (bits %08x) but was %s (bits %08x)",
                what, i, expected[i], e, actual[i], a));
      }
    }
  }

  static void assertBitExact(NpyArray expected, NpyArray actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    assertBitExact(expected.data(), actual.data(), what);
  }

  static void assertBitExact(
      Map<String, NpyArray> expected, Map<String, NpyArray> actual, String what) {
    assertEquals(
        java.util.List.copyOf(expected.keySet()),
        java.util.List.copyOf(actual.keySet()),
        what + ": names in order");
    expected.forEach((name, a) -> assertBitExact(a, actual.get(name), what + " " + name));
  }
}
