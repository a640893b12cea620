package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceRelu;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ReLU against {@link ReferenceRelu}, bit exact: it only selects x or 0. Inputs include exact zeros
 * (of both signs), whose gradient must be 0.
 */
public abstract class ReluConformance extends BackendConformance {

  public record Case(String name, Shape input) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("2x7", Shape.of(2, 7)),
        new Case("1x3x5x7", Shape.nchw(1, 3, 5, 7)),
        new Case("AlexNet conv1 output 1x96x55x55", Shape.nchw(1, 96, 55, 55)),
        new Case("AlexNet fc6 output 1x4096", Shape.of(1, 4096)));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.input().size() < 1000);
  }

  /** Values in [-1, 1] with every seventh an exact zero, every thirteenth a negative zero. */
  private static float[] withZeros(Case c, String salt) {
    float[] x = uniform(random(c.name() + salt), c.input().size(), -1, 1);
    for (int i = 0; i < x.length; i += 7) {
      x[i] = 0f;
    }
    for (int i = 3; i < x.length; i += 13) {
      x[i] = -0f;
    }
    return x;
  }

  /** Values at least twice the float step from the kink, so that differences do not cross it. */
  private static float[] awayFromZero(Case c) {
    SplittableRandom random = random(c.name() + " away");
    float[] x = new float[(int) c.input().size()];
    for (int i = 0; i < x.length; i++) {
      double magnitude = random.nextDouble(2 * Tolerances.FLOAT_STEP, 1);
      x[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
    }
    return x;
  }

  private static float[] outputGradient(Case c) {
    return uniform(random(c.name() + " dy"), c.input().size(), -1, 1);
  }

  private ElementwisePlan plan(Case c) {
    return closeAfterTest(backend().relu(device(), c.input()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAndBackwardMatchReference(Case c) {
    float[] x = withZeros(c, "");
    float[] dy = outputGradient(c);
    ElementwisePlan plan = plan(c);
    Tensor y = plan.forward(upload(c.input(), x));
    assertEquals(c.input(), y.shape(), what("ReLU output shape", c));
    assertClose(
        what("ReLU forward", c),
        download(y),
        ReferenceRelu.forward(toDouble(x)),
        c.input(),
        Tolerances.EXACT);
    assertClose(
        what("ReLU backward (0 where x <= 0)", c),
        download(plan.backward(upload(c.input(), dy))),
        ReferenceRelu.backward(toDouble(dy), toDouble(x)),
        c.input(),
        Tolerances.EXACT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    float[] first = withZeros(c, " first");
    float[] second = withZeros(c, " second");
    float[] dy = outputGradient(c);
    ElementwisePlan plan = plan(c);
    plan.forward(upload(c.input(), first));
    Tensor y = plan.forward(upload(c.input(), second));
    assertClose(
        what("ReLU second forward", c),
        download(y),
        ReferenceRelu.forward(toDouble(second)),
        c.input(),
        Tolerances.EXACT);
    assertClose(
        what("ReLU backward after a second forward", c),
        download(plan.backward(upload(c.input(), dy))),
        ReferenceRelu.backward(toDouble(dy), toDouble(second)),
        c.input(),
        Tolerances.EXACT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    float[] x = awayFromZero(c);
    float[] r = outputGradient(c);
    ElementwisePlan plan = plan(c);
    Tensor input = upload(c.input(), x);
    plan.forward(input);
    float[] dx = download(plan.backward(upload(c.input(), r)));
    assertFloatFiniteDifferences(
        what("ReLU backward vs float finite differences", c),
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
    double[] x = toDouble(awayFromZero(c));
    double[] r = toDouble(outputGradient(c));
    FiniteDifferences.assertGradient(
        what("reference ReLU backward vs finite differences", c),
        FiniteDifferences.projected(ReferenceRelu::forward, r),
        x,
        ReferenceRelu.backward(r, x),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }
}
