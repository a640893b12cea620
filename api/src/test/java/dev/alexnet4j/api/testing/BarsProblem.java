package dev.alexnet4j.api.testing;

import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny learnable problem made in the test: 1 x size x size images of one bar of length 5 (class 0
 * horizontal, 1 vertical, 2 diagonal, 3 anti-diagonal) at a random place, on Gaussian noise. Chance
 * is 25%; a small conv net separates the classes in a few hundred steps. Shared by the learning
 * tests of every module through the api test-jar.
 */
public final class BarsProblem {
  public static final int CLASSES = 4;
  private static final int LENGTH = 5;

  private final int size;
  private final SplittableRandom random;

  public BarsProblem(int size, long seed) {
    this.size = size;
    this.random = new SplittableRandom(seed);
  }

  /** Fills {@code images} (n x 1 x size x size) and {@code labels} with fresh samples. */
  public void fill(float[] images, int[] labels) {
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

  /** {@code n} fresh samples as a data source of [1, size, size] images. */
  public InMemoryDataSource dataSource(int n, long shuffleSeed) {
    return dataSource(n, shuffleSeed, 1f);
  }

  /**
   * Like {@link #dataSource(int, long)} with pixel values multiplied by {@code amplitude}, e.g. 100
   * to stand for mean-subtracted pixels on the 0..255 scale that real images give.
   */
  public InMemoryDataSource dataSource(int n, long shuffleSeed, float amplitude) {
    float[] images = new float[n * size * size];
    int[] labels = new int[n];
    fill(images, labels);
    for (int i = 0; i < images.length; i++) {
      images[i] *= amplitude;
    }
    return new InMemoryDataSource(
        Shape.of(1, size, size),
        images,
        labels,
        List.of("horizontal", "vertical", "diagonal", "anti-diagonal"),
        shuffleSeed,
        true);
  }

  private double gaussian() {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
