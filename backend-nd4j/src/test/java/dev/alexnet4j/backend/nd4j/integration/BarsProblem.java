package dev.alexnet4j.backend.nd4j.integration;

import java.util.SplittableRandom;

/**
 * A tiny learnable problem made in the test: 1 x size x size images of one bar of length 5
 * (class 0 horizontal, 1 vertical, 2 diagonal, 3 anti-diagonal) at a random place, on Gaussian
 * noise. Chance is 25%; a small conv net separates the classes in a few hundred steps.
 */
final class BarsProblem {
  static final int CLASSES = 4;
  private static final int LENGTH = 5;

  private final int size;
  private final SplittableRandom random;

  BarsProblem(int size, long seed) {
    this.size = size;
    this.random = new SplittableRandom(seed);
  }

  /** Fills {@code images} (n x 1 x size x size) and {@code labels} with fresh samples. */
  void fill(float[] images, int[] labels) {
    int pixels = size * size;
    for (int n = 0; n < labels.length; n++) {
      int label = random.nextInt(CLASSES);
      labels[n] = label;
      int base = n * pixels;
      for (int i = 0; i < pixels; i++) {
        images[base + i] = (float) (0.1 * gaussian());
      }
      int r = random.nextInt(size - LENGTH + 1);
      int c = random.nextInt(size - LENGTH + 1);
      for (int t = 0; t < LENGTH; t++) {
        int y;
        int x;
        switch (label) {
          case 0 -> {
            y = r + LENGTH / 2;
            x = c + t;
          }
          case 1 -> {
            y = r + t;
            x = c + LENGTH / 2;
          }
          case 2 -> {
            y = r + t;
            x = c + t;
          }
          default -> {
            y = r + t;
            x = c + LENGTH - 1 - t;
          }
        }
        images[base + y * size + x] += 1f;
      }
    }
  }

  private double gaussian() {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
