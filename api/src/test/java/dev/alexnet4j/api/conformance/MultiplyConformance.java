package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.backend.MultiplyPlan;
import dev.alexnet4j.api.oracle.ReferenceActivation;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise product against {@link ReferenceActivation#multiply}: one float rounding per
 * element ({@link Tolerances#ELEMENTWISE}); both gradients against the reference and against float
 * central differences, and the square x * x (one tensor as both inputs).
 */
public abstract class MultiplyConformance extends BackendConformance {

  public record Case(String name, Shape shape) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("2x7", Shape.of(2, 7)),
        new Case("1x3x5x7", Shape.nchw(1, 3, 5, 7)),
        new Case("2x16x13x13", Shape.nchw(2, 16, 13, 13)),
        new Case("1x4096", Shape.of(1, 4096)));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.shape().size() < 1000);
  }

  private float[] values(Case c, String salt) {
    return uniform(random(c.name() + salt), c.shape().size(), -2, 2);
  }

  private MultiplyPlan plan(Case c) {
    return closeAfterTest(backend().multiply(device(), c.shape()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAndBackwardMatchReference(Case c) {
    float[] a = values(c, " a");
    float[] b = values(c, " b");
    float[] dy = values(c, " dy");
    MultiplyPlan plan = plan(c);
    Tensor y = plan.forward(upload(c.shape(), a), upload(c.shape(), b));
    assertEquals(c.shape(), y.shape(), what("multiply output shape", c));
    assertClose(
        what("multiply forward", c),
        download(y),
        ReferenceActivation.multiply(toDouble(a), toDouble(b)),
        c.shape(),
        Tolerances.ELEMENTWISE);
    List<Tensor> grads = plan.backward(upload(c.shape(), dy));
    assertEquals(2, grads.size(), what("multiply backward returns [da, db]", c));
    assertClose(
        what("multiply backward da = dy * b", c),
        download(grads.get(0)),
        ReferenceActivation.multiply(toDouble(dy), toDouble(b)),
        c.shape(),
        Tolerances.ELEMENTWISE);
    assertClose(
        what("multiply backward db = dy * a", c),
        download(grads.get(1)),
        ReferenceActivation.multiply(toDouble(dy), toDouble(a)),
        c.shape(),
        Tolerances.ELEMENTWISE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void squareTakesOneTensorTwice(Case c) {
    float[] x = values(c, " x");
    float[] dy = values(c, " dy");
    MultiplyPlan plan = plan(c);
    Tensor input = upload(c.shape(), x);
    assertClose(
        what("x * x forward", c),
        download(plan.forward(input, input)),
        ReferenceActivation.multiply(toDouble(x), toDouble(x)),
        c.shape(),
        Tolerances.ELEMENTWISE);
    List<Tensor> grads = plan.backward(upload(c.shape(), dy));
    float[] da = download(grads.get(0));
    float[] db = download(grads.get(1));
    float[] sum = new float[da.length];
    double[] expected = new double[da.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = da[i] + db[i];
      expected[i] = 2.0 * dy[i] * x[i];
    }
    assertClose(what("x * x backward, summed", c), sum, expected, c.shape(), Tolerances.FORWARD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    float[] a = values(c, " a");
    float[] b = values(c, " b");
    float[] r = values(c, " r");
    MultiplyPlan plan = plan(c);
    Tensor ta = upload(c.shape(), a);
    Tensor tb = upload(c.shape(), b);
    plan.forward(ta, tb);
    List<Tensor> grads = plan.backward(upload(c.shape(), r));
    float[] da = download(grads.get(0));
    float[] db = download(grads.get(1));
    assertFloatFiniteDifferences(
        what("multiply da vs float finite differences", c),
        a,
        sample(a.length, FINITE_DIFFERENCE_SAMPLES, c.name() + " a"),
        v -> {
          backend().upload(v, ta);
          return project(download(plan.forward(ta, tb)), r);
        },
        da);
    assertFloatFiniteDifferences(
        what("multiply db vs float finite differences", c),
        b,
        sample(b.length, FINITE_DIFFERENCE_SAMPLES, c.name() + " b"),
        v -> {
          backend().upload(v, tb);
          return project(download(plan.forward(ta, tb)), r);
        },
        db);
  }
}
