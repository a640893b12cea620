package dev.alexnet4j.api.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.oracle.ReferenceTopK;
import dev.alexnet4j.api.tensor.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Top-k class indices against {@link ReferenceTopK}: best first, ties to the lower index (what the
 * paper's top-1 and top-5 error need to be reproducible).
 */
public abstract class TopKConformance extends BackendConformance {

  /** {@code levels} > 0 draws scores from that many values, to force ties. */
  public record Case(String name, int batch, int classes, int k, int levels) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("2x10, k 1", 2, 10, 1, 0),
        new Case("3x10, k 5", 3, 10, 5, 0),
        new Case("2x6, k 6 (all)", 2, 6, 6, 0),
        new Case("AlexNet 1x1000, k 5", 1, 1000, 5, 0),
        new Case("4x1000, k 1", 4, 1000, 1, 0),
        new Case("ties 3x8, k 3", 3, 8, 3, 3),
        new Case("ties 2x1000, k 5", 2, 1000, 5, 4));
  }

  private static float[] scores(Case c, String salt) {
    SplittableRandom random = random(c.name() + salt);
    float[] scores = new float[c.batch() * c.classes()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] =
          c.levels() > 0 ? random.nextInt(c.levels()) - 1.5f : (float) random.nextDouble(-5, 5);
    }
    return scores;
  }

  private void check(Case c, TopKPlan plan, float[] scores, String op) {
    int[][] actual = plan.indices(upload(Shape.of(c.batch(), c.classes()), scores));
    int[][] expected = ReferenceTopK.indices(toDouble(scores), c.batch(), c.classes(), c.k());
    assertEquals(c.batch(), actual.length, what(op + " row count", c));
    for (int n = 0; n < c.batch(); n++) {
      if (!Arrays.equals(actual[n], expected[n])) {
        int row = n;
        fail(
            what(op, c)
                + ": row "
                + n
                + " gives "
                + Arrays.toString(actual[n])
                + ", expected "
                + Arrays.toString(expected[n])
                + " (scores "
                + Arrays.toString(
                    Arrays.stream(expected[n])
                        .mapToDouble(i -> scores[row * c.classes() + i])
                        .toArray())
                + ")");
      }
    }
  }

  private TopKPlan plan(Case c) {
    return closeAfterTest(backend().topK(device(), c.batch(), c.classes(), c.k()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void indicesMatchReference(Case c) {
    check(c, plan(c), scores(c, ""), "top-k");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void planIsReusable(Case c) {
    TopKPlan plan = plan(c);
    check(c, plan, scores(c, " first"), "top-k first call");
    check(c, plan, scores(c, " second"), "top-k second call");
  }
}
