package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceLrn;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-channel LRN against {@link ReferenceLrn}: the paper's parameters (alpha not divided by n)
 * on AlexNet's two LRN layers with groups 1 and 2, and small shapes with large alpha, groups, and
 * windows wider than a group.
 *
 * <p>The backward is compared with the FULL gradient, cross-channel terms included. ND4J's {@code
 * lrn_bp} (1.0.0-M2.1) drops them, and a backend built on it must fail here. Each case's data is
 * checked to make those terms larger than the tolerance, so the check cannot go blind.
 */
public abstract class LrnConformance extends BackendConformance {

  /** One LRN case; inputs uniform in [-scale, scale]. */
  public record Case(String name, Shape input, LrnParameters parameters, double scale) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static LrnParameters strong(int size, int groups) {
    return new LrnParameters(size, 0.1, 0.75, 1.0, groups);
  }

  static Stream<Case> smallCases() {
    return Stream.of(
        // Inputs of +-10, like conv1's outputs, make the paper's small alpha show.
        new Case("paper 2x7x5x4", Shape.nchw(2, 7, 5, 4), LrnParameters.paper(1), 10),
        new Case("alpha 0.1 k 1, groups 2, 1x6x3x5", Shape.nchw(1, 6, 3, 5), strong(5, 2), 2),
        new Case("n 3 alpha 0.1 k 1, 2x5x4x4", Shape.nchw(2, 5, 4, 4), strong(3, 1), 2),
        new Case("alpha 0.1 k 1, groups 2, 1x8x3x3", Shape.nchw(1, 8, 3, 3), strong(5, 2), 2),
        new Case("n 5 over 3 channels, 1x3x4x4", Shape.nchw(1, 3, 4, 4), strong(5, 1), 2),
        new Case("groups 4 narrower than n 5, 2x8x2x3", Shape.nchw(2, 8, 2, 3), strong(5, 4), 2),
        new Case(
            "alpha 0.5 beta 1.5 k 0.5, 1x5x3x3",
            Shape.nchw(1, 5, 3, 3),
            new LrnParameters(5, 0.5, 1.5, 0.5, 1),
            1));
  }

  static Stream<Case> alexNetCases() {
    return Stream.of(
        new Case(
            "AlexNet LRN1 1x96x55x55, groups 1",
            Shape.nchw(1, 96, 55, 55),
            LrnParameters.paper(1),
            10),
        new Case(
            "AlexNet LRN1 1x96x55x55, groups 2",
            Shape.nchw(1, 96, 55, 55),
            LrnParameters.paper(2),
            10),
        new Case(
            "AlexNet LRN2 1x256x27x27, groups 1",
            Shape.nchw(1, 256, 27, 27),
            LrnParameters.paper(1),
            10),
        new Case(
            "AlexNet LRN2 1x256x27x27, groups 2",
            Shape.nchw(1, 256, 27, 27),
            LrnParameters.paper(2),
            10));
  }

  static Stream<Case> allCases() {
    return Stream.concat(smallCases(), alexNetCases());
  }

  private static float[] input(Case c, String salt) {
    return uniform(random(c.name() + salt), c.input().size(), -c.scale(), c.scale());
  }

  private static float[] outputGradient(Case c, String salt) {
    return uniform(random(c.name() + salt + " dy"), c.input().size(), -1, 1);
  }

  private LrnPlan plan(Case c) {
    return closeAfterTest(backend().lrn(device(), c.input(), c.parameters()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void forwardMatchesReference(Case c) {
    float[] x = input(c, "");
    Tensor y = plan(c).forward(upload(c.input(), x));
    assertEquals(c.input(), y.shape(), what("LRN output shape", c));
    assertClose(
        what("LRN forward", c),
        download(y),
        ReferenceLrn.forward(toDouble(x), c.input(), c.parameters()),
        c.input(),
        Tolerances.FORWARD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void backwardMatchesFullCrossChannelGradient(Case c) {
    float[] x = input(c, "");
    float[] dy = outputGradient(c, "");
    double[] expected = ReferenceLrn.backward(toDouble(dy), toDouble(x), c.input(), c.parameters());
    requireVisibleCrossChannelTerms(c, x, dy, expected);
    LrnPlan plan = plan(c);
    plan.forward(upload(c.input(), x));
    Tensor dx = plan.backward(upload(c.input(), dy));
    assertEquals(c.input(), dx.shape(), what("LRN input gradient shape", c));
    assertClose(
        what("LRN backward (full cross-channel gradient)", c),
        download(dx),
        expected,
        c.input(),
        Tolerances.LOCAL_GRADIENT);
  }

  /**
   * Fails if the gradient without cross-channel terms, g s^-beta, would pass the comparison: then
   * the case could not tell a correct backward from ND4J's.
   */
  private void requireVisibleCrossChannelTerms(Case c, float[] x, float[] dy, double[] expected) {
    double[] xd = toDouble(x);
    Shape shape = c.input();
    int rest = (int) (shape.sampleSize() / shape.channels());
    for (int i = 0; i < x.length; i++) {
      int n = i / (shape.channels() * rest);
      int channel = (i / rest) % shape.channels();
      double s = ReferenceLrn.scaleAt(xd, shape, c.parameters(), n, channel, i % rest);
      double diagonalOnly = dy[i] * Math.pow(s, -c.parameters().beta());
      if (!Tolerances.LOCAL_GRADIENT.accepts(diagonalOnly, expected[i])) {
        return;
      }
    }
    fail(
        what("LRN backward", c)
            + ": the case's data is too weak, the gradient without cross-channel terms would pass");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    float[] first = input(c, " first");
    float[] second = input(c, " second");
    float[] dy = outputGradient(c, " second");
    LrnPlan plan = plan(c);
    plan.forward(upload(c.input(), first));
    Tensor y = plan.forward(upload(c.input(), second));
    assertClose(
        what("LRN second forward", c),
        download(y),
        ReferenceLrn.forward(toDouble(second), c.input(), c.parameters()),
        c.input(),
        Tolerances.FORWARD);
    assertClose(
        what("LRN backward after a second forward", c),
        download(plan.backward(upload(c.input(), dy))),
        ReferenceLrn.backward(toDouble(dy), toDouble(second), c.input(), c.parameters()),
        c.input(),
        Tolerances.LOCAL_GRADIENT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    float[] x = input(c, "");
    float[] r = outputGradient(c, "");
    LrnPlan plan = plan(c);
    Tensor input = upload(c.input(), x);
    plan.forward(input);
    float[] dx = download(plan.backward(upload(c.input(), r)));
    assertFloatFiniteDifferences(
        what("LRN backward vs float finite differences", c),
        x,
        sample(x.length, FINITE_DIFFERENCE_SAMPLES, c.name()),
        v -> {
          backend().upload(v, input);
          return project(download(plan.forward(input)), r);
        },
        dx);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void referenceBackwardMatchesFiniteDifferences(Case c) {
    double[] x = toDouble(input(c, ""));
    double[] r = toDouble(outputGradient(c, ""));
    FiniteDifferences.assertGradient(
        what("reference LRN backward vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceLrn.forward(v, c.input(), c.parameters()), r),
        x,
        ReferenceLrn.backward(r, x, c.input(), c.parameters()),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }
}
