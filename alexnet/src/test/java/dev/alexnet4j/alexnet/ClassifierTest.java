package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.Classifier;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public Java API: build, export and import weights, predict on a float batch. */
class ClassifierTest {
  @Test
  void weightsRoundTripThroughNpzAndPredictionsFollowThem(@TempDir Path dir) throws Exception {
    float[] images = new float[3 * 3 * 32 * 32];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextDouble();
    }
    Path npz = dir.resolve("small.npz");
    float[][] first;
    try (Classifier a =
        Classifier.create(
            Alexnet4j.loadConfig("alexnet4j { model = alexnet-small, seed = 1 }"), 4)) {
      first = a.predict(images, 3);
      a.exportWeights(npz);
    }
    assertEquals(3, first.length);
    assertEquals(10, first[0].length);
    double sum = 0;
    for (float p : first[1]) {
      sum += p;
    }
    assertEquals(1.0, sum, 1e-5, "probabilities sum to 1");
    try (Classifier b =
        Classifier.create(
            Alexnet4j.loadConfig("alexnet4j { model = alexnet-small, seed = 2 }"), 4)) {
      assertNotEquals(first[0][0], b.predict(images, 3)[0][0], "other seed, other weights");
      b.importWeights(npz);
      float[][] again = b.predict(images, 3);
      for (int n = 0; n < 3; n++) {
        assertArrayEquals(first[n], again[n], "image " + n + " after import");
      }
      assertThrows(IllegalArgumentException.class, () -> b.predict(new float[7], 1));
    }
  }
}
