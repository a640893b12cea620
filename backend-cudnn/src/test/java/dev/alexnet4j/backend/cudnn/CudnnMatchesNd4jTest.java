package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.backend.nd4j.Nd4jBackend;
import dev.alexnet4j.backend.nd4j.Nd4jSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cross-backend check ({@code CuDNNValidationUtil}'s idea in Deeplearning4j): the same small
 * AlexNet-like weights and input on ND4J (CPU) and on cuDNN give the same logits, loss and
 * gradients to float tolerance.
 */
@RequiresCudnn
class CudnnMatchesNd4jTest {
  private static final double RELATIVE = 2e-3;
  private static final double ABSOLUTE = 2e-5;

  @Test
  void sameLogitsLossAndGradientsAsNd4j() {
    Map<String, float[]> expected;
    try (Nd4jBackend nd4j = new Nd4jBackend(new Nd4jSettings(1, 0, true))) {
      expected = TinyAlexNet.step(nd4j);
    }
    Map<String, float[]> actual;
    try (CudnnBackend cudnn = CudnnTestBackends.create()) {
      actual = TinyAlexNet.step(cudnn);
    }
    assertSame("cudnn", "nd4j", actual, expected);
  }

  /**
   * Fails listing, per result, the first element where {@code actual} and {@code expected} differ.
   */
  static void assertSame(
      String actualName,
      String expectedName,
      Map<String, float[]> actual,
      Map<String, float[]> expected) {
    assertEquals(expected.keySet(), actual.keySet());
    StringBuilder failures = new StringBuilder();
    for (String name : expected.keySet()) {
      float[] e = expected.get(name);
      float[] a = actual.get(name);
      assertEquals(e.length, a.length, name + " length");
      for (int i = 0; i < e.length; i++) {
        double tolerance = ABSOLUTE + RELATIVE * Math.abs(e[i]);
        if (!(Math.abs(a[i] - e[i]) <= tolerance)) {
          failures.append(
              String.format(
                  "%n  %s[%d]: cudnn %s, nd4j %s (tolerance %.2g)",
                  name, i, a[i], e[i], tolerance));
          break;
        }
      }
    }
    if (failures.length() > 0) {
      fail(actualName + " and " + expectedName + " disagree:" + failures);
    }
  }
}
