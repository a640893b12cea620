package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceActivation;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Activation} plans (tanh, sigmoid, exp, ELU with two alphas) against {@link
 * ReferenceActivation}, within {@link Tolerances#TRANSCENDENTAL}; inputs in [-4, 4] (saturating
 * tanh and sigmoid, exp up to e^4), with exact zeros of both signs; backward against the reference
 * and against float central differences of the backend's own forward.
 */
public abstract class ActivationConformance extends BackendConformance {

  private static final List<Activation> FUNCTIONS =
      List.of(
          Activation.TANH,
          Activation.SIGMOID,
          Activation.EXP,
          Activation.elu(1.0),
          Activation.elu(0.5));

  public record Case(String name, Activation function, Shape input) {
    @Override
    public String toString() {
      return function + " " + name;
    }
  }

  static Stream<Case> cases() {
    return FUNCTIONS.stream()
        .flatMap(
            f ->
                Stream.of(
                    new Case("2x7", f, Shape.of(2, 7)),
                    new Case("1x3x5x7", f, Shape.nchw(1, 3, 5, 7)),
                    new Case("2x16x13x13", f, Shape.nchw(2, 16, 13, 13)),
                    new Case("1x4096", f, Shape.of(1, 4096))));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.input().size() < 1000);
  }

  /** Values in [-4, 4], every seventh an exact zero and every thirteenth a negative zero. */
  private static float[] inputs(Case c, String salt) {
    float[] x = uniform(random(c + salt), c.input().size(), -4, 4);
    for (int i = 0; i < x.length; i += 7) {
      x[i] = 0f;
    }
    for (int i = 3; i < x.length; i += 13) {
      x[i] = -0f;
    }
    return x;
  }

  /** Values in [-2, 2] at least twice the float step from 0, where ELU has a kink in its slope. */
  private static float[] awayFromZero(Case c) {
    SplittableRandom random = random(c + " away");
    float[] x = new float[(int) c.input().size()];
    for (int i = 0; i < x.length; i++) {
      double magnitude = random.nextDouble(2 * Tolerances.FLOAT_STEP, 2);
      x[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
    }
    return x;
  }

  private static float[] outputGradient(Case c) {
    return uniform(random(c + " dy"), c.input().size(), -1, 1);
  }

  private ElementwisePlan plan(Case c) {
    return closeAfterTest(backend().activation(device(), c.input(), c.function()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAndBackwardMatchReference(Case c) {
    float[] x = inputs(c, "");
    float[] dy = outputGradient(c);
    ElementwisePlan plan = plan(c);
    Tensor y = plan.forward(upload(c.input(), x));
    assertEquals(c.input(), y.shape(), what(c.function() + " output shape", c));
    assertClose(
        what(c.function() + " forward", c),
        download(y),
        ReferenceActivation.forward(c.function(), toDouble(x)),
        c.input(),
        Tolerances.TRANSCENDENTAL);
    Tensor dx = plan.backward(upload(c.input(), dy));
    assertEquals(c.input(), dx.shape(), what(c.function() + " input gradient shape", c));
    assertClose(
        what(c.function() + " backward", c),
        download(dx),
        ReferenceActivation.backward(c.function(), toDouble(dy), toDouble(x)),
        c.input(),
        Tolerances.TRANSCENDENTAL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    float[] first = inputs(c, " first");
    float[] second = inputs(c, " second");
    float[] dy = outputGradient(c);
    ElementwisePlan plan = plan(c);
    plan.forward(upload(c.input(), first));
    Tensor y = plan.forward(upload(c.input(), second));
    assertClose(
        what(c.function() + " second forward", c),
        download(y),
        ReferenceActivation.forward(c.function(), toDouble(second)),
        c.input(),
        Tolerances.TRANSCENDENTAL);
    assertClose(
        what(c.function() + " backward after a second forward", c),
        download(plan.backward(upload(c.input(), dy))),
        ReferenceActivation.backward(c.function(), toDouble(dy), toDouble(second)),
        c.input(),
        Tolerances.TRANSCENDENTAL);
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
        what(c.function() + " backward vs float finite differences", c),
        x,
        sample(x.length, FINITE_DIFFERENCE_SAMPLES, c.toString()),
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
        what("reference " + c.function() + " backward vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceActivation.forward(c.function(), v), r),
        x,
        ReferenceActivation.backward(c.function(), r, x),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }

  /** NaN in, NaN out, in both directions: the trainer's non-finite check must see it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void nanPropagates(Case c) {
    float[] x = inputs(c, " nan");
    x[1] = Float.NaN;
    ElementwisePlan plan = plan(c);
    float[] y = download(plan.forward(upload(c.input(), x)));
    assertTrue(Float.isNaN(y[1]), what(c.function() + " of NaN is NaN", c) + ", got " + y[1]);
    float[] dx = download(plan.backward(upload(c.input(), outputGradient(c))));
    assertTrue(
        Float.isNaN(dx[1]), what(c.function() + " gradient at NaN is NaN", c) + ", got " + dx[1]);
  }
}
