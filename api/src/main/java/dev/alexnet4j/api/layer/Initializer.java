package dev.alexnet4j.api.layer;

import java.util.SplittableRandom;

/**
 * How a parameter starts: the paper draws weights from N(0, std^2) and sets biases to constants.
 */
public sealed interface Initializer {
  /** Fills {@code values} deterministically from {@code random}. */
  void fill(float[] values, SplittableRandom random);

  /** N(mean, std^2) for every value. */
  record Gaussian(double mean, double std) implements Initializer {
    public Gaussian {
      if (!(std >= 0)) {
        throw new IllegalArgumentException("Gaussian std must be >= 0, got " + std);
      }
    }

    @Override
    public void fill(float[] values, SplittableRandom random) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (mean + std * gaussian(random));
      }
    }

    // SplittableRandom has no nextGaussian in Java 17; Box-Muller keeps the draw reproducible.
    private static double gaussian(SplittableRandom random) {
      double u1 = 1.0 - random.nextDouble();
      double u2 = random.nextDouble();
      return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }

  /** The same value everywhere. */
  record Constant(double value) implements Initializer {
    @Override
    public void fill(float[] values, SplittableRandom random) {
      java.util.Arrays.fill(values, (float) value);
    }
  }
}
