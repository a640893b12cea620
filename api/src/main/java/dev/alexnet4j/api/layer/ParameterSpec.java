package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Shape;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A learned parameter as declared: its full name ({@code <layer>.weight}, {@code <layer>.bias}),
 * shape and initialiser.
 */
public record ParameterSpec(String name, Shape shape, Initializer initializer) {

  /**
   * The initial values, drawn from a stream keyed by (seed, name): the same seed gives the same
   * tensor whatever the layer order or device split, so a split network can take its slice of it.
   */
  public float[] initialValues(long seed) {
    float[] values = new float[Math.toIntExact(shape.size())];
    initializer.fill(values, new SplittableRandom(seed ^ nameHash(name)));
    return values;
  }

  private static long nameHash(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
