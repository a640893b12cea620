package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.conformance.NaiveFloatBackend;
import dev.alexnet4j.backend.nd4j.Nd4jBackend;
import dev.alexnet4j.backend.nd4j.Nd4jSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cross-backend harness itself, without a GPU: ND4J and the api's naive float backend agree on
 * it, its loss is a real loss and every gradient is non-zero, so that {@link CudnnMatchesNd4jTest}
 * compares something meaningful when a GPU runs it.
 */
class TinyAlexNetTest {
  @Test
  void nd4jAndTheNaiveBackendAgreeAndEveryGradientIsAlive() {
    Map<String, float[]> nd4j;
    try (Nd4jBackend backend = new Nd4jBackend(new Nd4jSettings(1, 0, true))) {
      nd4j = TinyAlexNet.step(backend);
    }
    Map<String, float[]> naive;
    try (NaiveFloatBackend backend = new NaiveFloatBackend()) {
      naive = TinyAlexNet.step(backend);
    }
    CudnnMatchesNd4jTest.assertSame("nd4j", "naive", nd4j, naive);
    float loss = nd4j.get("loss")[0];
    assertTrue(loss > 0.5f && loss < 10f, "cross-entropy of 10 classes near log 10: " + loss);
    for (Map.Entry<String, float[]> e : nd4j.entrySet()) {
      double sum = 0;
      for (float v : e.getValue()) {
        sum += Math.abs(v);
      }
      assertTrue(sum > 0, e.getKey() + " is all zeros");
    }
  }
}
