package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds nets from the alexnet module's HOCON on the ND4J backend with two virtual devices. */
final class SplitFixture {
  private SplitFixture() {}

  static Config config(String model, String extra) {
    return Alexnet4j.loadConfig(
        "alexnet4j { model = "
            + model
            + ", nd4j.virtual-devices = 2, devices = [0, 1] }\n"
            + extra);
  }

  static Injector injector(Config config) {
    return Alexnet4j.createInjector(config);
  }

  static NetworkSpec spec(Injector injector) {
    return injector.getInstance(NetworkParser.class).parse();
  }

  static Backend backend(Injector injector) {
    return injector.getInstance(Backend.class);
  }

  static float[] gaussian(int n, long seed, double std) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }

  static int[] labels(int n, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(classes);
    }
    return labels;
  }

  /**
   * Asserts {@code |actual - expected| <= tolerance * max(1, max |expected|)} at every index: the
   * split only reorders float sums (a full layer's input gradient is summed over devices), so the
   * error is relative to the tensor's scale.
   *
   * @return the largest error relative to that scale, for the report
   */
  static double assertClose(String what, float[] expected, float[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 1;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs((double) actual[i] - expected[i]) / scale;
      if (!(err <= worst)) {
        worst = err;
        worstAt = i;
      }
    }
    if (!(worst <= tolerance)) {
      fail(
          what
              + ": at index "
              + worstAt
              + " split gave "
              + actual[worstAt]
              + ", single device "
              + expected[worstAt]
              + " (error "
              + worst
              + " of scale "
              + scale
              + ", tolerance "
              + tolerance
              + ")");
    }
    return worst;
  }

  static double assertAllClose(
      String what, Map<String, float[]> expected, Map<String, float[]> actual, double tolerance) {
    assertEquals(expected.keySet(), actual.keySet(), what + ": parameter names");
    double worst = 0;
    for (String name : expected.keySet()) {
      worst =
          Math.max(
              worst,
              assertClose(what + " " + name, expected.get(name), actual.get(name), tolerance));
    }
    return worst;
  }
}
