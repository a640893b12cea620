package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static dev.alexnet4j.api.oracle.OracleAssertions.assertCloseAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceDense;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fully connected layer y = x W^T + b against {@link ReferenceDense}, on small shapes (one of
 * them with an NCHW input, as fc6 reads pool5) and on fc6, fc7 and fc8 at batch 1.
 *
 * <p>fc6's and fc7's weight gradients (37.7 and 16.8 million elements) are compared at {@value
 * #REFERENCE_SAMPLES} random elements: a full double result would cost 300 MB of heap for no
 * sharper check. Their outputs, input gradients and bias gradients are compared in full, which
 * needs a double copy of fc6's weights: the fc6 cases want about 1 GB of heap.
 */
public abstract class DenseConformance extends BackendConformance {

  /** One layer; {@code input} is [N, in] or any shape with N samples of {@code in} elements. */
  public record Case(String name, Shape input, int out, boolean large) {
    int batch() {
      return input.batch();
    }

    int in() {
      return (int) input.sampleSize();
    }

    Shape output() {
      return Shape.of(batch(), out);
    }

    Shape weightShape() {
      return Shape.of(out, in());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> smallCases() {
    return Stream.of(
        new Case("2x7 to 5", Shape.of(2, 7), 5, false),
        new Case("1x3 to 4", Shape.of(1, 3), 4, false),
        new Case("3x4x3x3 (NCHW) to 10", Shape.nchw(3, 4, 3, 3), 10, false),
        new Case("4x16 to 1", Shape.of(4, 16), 1, false));
  }

  static Stream<Case> alexNetCases() {
    return Stream.of(
        new Case("AlexNet fc6 1x256x6x6 to 4096", Shape.nchw(1, 256, 6, 6), 4096, true),
        new Case("AlexNet fc7 1x4096 to 4096", Shape.of(1, 4096), 4096, true),
        new Case("AlexNet fc8 1x4096 to 1000", Shape.of(1, 4096), 1000, false));
  }

  static Stream<Case> allCases() {
    return Stream.concat(smallCases(), alexNetCases());
  }

  /** Inputs and dy in [-1, 1], weights of variance 1 / in, so y and dx are of order 1. */
  private record Data(float[] x, float[] w, float[] b, float[] dy) {
    static Data of(Case c, String salt) {
      SplittableRandom random = random(c.name() + salt);
      double bound = Math.sqrt(3.0 / c.in());
      return new Data(
          uniform(random, c.input().size(), -1, 1),
          uniform(random, c.weightShape().size(), -bound, bound),
          uniform(random, c.out(), -0.5, 0.5),
          uniform(random, c.output().size(), -1, 1));
    }
  }

  private DensePlan plan(Case c, boolean inputGradient) {
    return closeAfterTest(backend().dense(device(), c.batch(), c.in(), c.out(), inputGradient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void forwardMatchesReference(Case c) {
    Data d = Data.of(c, "");
    Tensor y =
        plan(c, true)
            .forward(
                upload(c.input(), d.x()),
                upload(c.weightShape(), d.w()),
                upload(Shape.of(c.out()), d.b()));
    assertEquals(c.output(), y.shape(), what("dense output shape", c));
    assertClose(
        what("dense forward", c),
        download(y),
        ReferenceDense.forward(
            toDouble(d.x()), toDouble(d.w()), toDouble(d.b()), c.batch(), c.in(), c.out()),
        c.output(),
        Tolerances.forReduction(c.in()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void forwardWithoutBiasMatchesReference(Case c) {
    Data d = Data.of(c, "");
    Tensor y =
        plan(c, true).forward(upload(c.input(), d.x()), upload(c.weightShape(), d.w()), null);
    assertClose(
        what("dense forward without bias", c),
        download(y),
        ReferenceDense.forward(toDouble(d.x()), toDouble(d.w()), null, c.batch(), c.in(), c.out()),
        c.output(),
        Tolerances.forReduction(c.in()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void backwardMatchesReference(Case c) {
    Data d = Data.of(c, "");
    DensePlan plan = plan(c, true);
    plan.forward(
        upload(c.input(), d.x()), upload(c.weightShape(), d.w()), upload(Shape.of(c.out()), d.b()));
    Tensor weightGradient = zeros(c.weightShape());
    Tensor biasGradient = zeros(Shape.of(c.out()));
    // Stale values must be overwritten, not accumulated into.
    backend().fill(weightGradient, 123f);
    backend().fill(biasGradient, 123f);
    Tensor inputGradient = plan.backward(upload(c.output(), d.dy()), weightGradient, biasGradient);
    assertNotNull(inputGradient, what("dense backward input gradient (requested)", c));
    assertEquals(
        c.input(), inputGradient.shape(), what("dense input gradient shape (the input's)", c));
    checkInputGradient(c, d, download(inputGradient));
    checkWeightGradient(c, d, download(weightGradient));
    assertClose(
        what("dense bias gradient", c),
        download(biasGradient),
        ReferenceDense.biasGradient(toDouble(d.dy()), c.batch(), c.out()),
        Shape.of(c.out()),
        Tolerances.GRADIENT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardWithoutInputGradientReturnsNull(Case c) {
    Data d = Data.of(c, "");
    DensePlan plan = plan(c, false);
    plan.forward(
        upload(c.input(), d.x()), upload(c.weightShape(), d.w()), upload(Shape.of(c.out()), d.b()));
    Tensor weightGradient = zeros(c.weightShape());
    Tensor inputGradient =
        plan.backward(upload(c.output(), d.dy()), weightGradient, zeros(Shape.of(c.out())));
    assertNull(inputGradient, what("dense backward of a plan without input gradient", c));
    checkWeightGradient(c, d, download(weightGradient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardWithoutBiasGradientStillGivesTheOthers(Case c) {
    Data d = Data.of(c, "");
    DensePlan plan = plan(c, true);
    plan.forward(upload(c.input(), d.x()), upload(c.weightShape(), d.w()), null);
    Tensor weightGradient = zeros(c.weightShape());
    Tensor inputGradient = plan.backward(upload(c.output(), d.dy()), weightGradient, null);
    checkInputGradient(c, d, download(inputGradient));
    checkWeightGradient(c, d, download(weightGradient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    Data first = Data.of(c, " first");
    Data second = Data.of(c, " second");
    DensePlan plan = plan(c, true);
    Shape bias = Shape.of(c.out());
    plan.forward(
        upload(c.input(), first.x()), upload(c.weightShape(), first.w()), upload(bias, first.b()));
    Tensor y =
        plan.forward(
            upload(c.input(), second.x()),
            upload(c.weightShape(), second.w()),
            upload(bias, second.b()));
    assertClose(
        what("dense second forward", c),
        download(y),
        ReferenceDense.forward(
            toDouble(second.x()),
            toDouble(second.w()),
            toDouble(second.b()),
            c.batch(),
            c.in(),
            c.out()),
        c.output(),
        Tolerances.forReduction(c.in()));
    Tensor weightGradient = zeros(c.weightShape());
    Tensor inputGradient =
        plan.backward(upload(c.output(), second.dy()), weightGradient, zeros(bias));
    checkInputGradient(c, second, download(inputGradient));
    checkWeightGradient(c, second, download(weightGradient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    Data d = Data.of(c, "");
    float[] r = d.dy();
    DensePlan plan = plan(c, true);
    Tensor x = upload(c.input(), d.x());
    Tensor w = upload(c.weightShape(), d.w());
    Tensor b = upload(Shape.of(c.out()), d.b());
    plan.forward(x, w, b);
    Tensor weightGradient = zeros(c.weightShape());
    Tensor biasGradient = zeros(Shape.of(c.out()));
    float[] dx = download(plan.backward(upload(c.output(), r), weightGradient, biasGradient));
    float[] dw = download(weightGradient);
    float[] db = download(biasGradient);
    assertFloatFiniteDifferences(
        what("dense input gradient vs float finite differences", c),
        d.x(),
        sample(d.x().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " x"),
        v -> {
          backend().upload(v, x);
          return project(download(plan.forward(x, w, b)), r);
        },
        dx);
    assertFloatFiniteDifferences(
        what("dense weight gradient vs float finite differences", c),
        d.w(),
        sample(d.w().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " w"),
        v -> {
          backend().upload(v, w);
          return project(download(plan.forward(x, w, b)), r);
        },
        dw);
    assertFloatFiniteDifferences(
        what("dense bias gradient vs float finite differences", c),
        d.b(),
        sample(d.b().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " b"),
        v -> {
          backend().upload(v, b);
          return project(download(plan.forward(x, w, b)), r);
        },
        db);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void referenceBackwardMatchesFiniteDifferences(Case c) {
    Data d = Data.of(c, "");
    double[] x = toDouble(d.x());
    double[] w = toDouble(d.w());
    double[] b = toDouble(d.b());
    double[] r = toDouble(d.dy());
    int n = c.batch();
    int in = c.in();
    int out = c.out();
    FiniteDifferences.assertGradient(
        what("reference dense input gradient vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceDense.forward(v, w, b, n, in, out), r),
        x,
        ReferenceDense.inputGradient(r, w, n, in, out),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
    FiniteDifferences.assertGradient(
        what("reference dense weight gradient vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceDense.forward(x, v, b, n, in, out), r),
        w,
        ReferenceDense.weightGradient(r, x, n, in, out),
        FiniteDifferences.all(w.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
    FiniteDifferences.assertGradient(
        what("reference dense bias gradient vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceDense.forward(x, w, v, n, in, out), r),
        b,
        ReferenceDense.biasGradient(r, n, out),
        FiniteDifferences.all(b.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }

  private void checkInputGradient(Case c, Data d, float[] actual) {
    assertClose(
        what("dense input gradient", c),
        actual,
        ReferenceDense.inputGradient(toDouble(d.dy()), toDouble(d.w()), c.batch(), c.in(), c.out()),
        c.input(),
        Tolerances.GRADIENT);
  }

  private void checkWeightGradient(Case c, Data d, float[] actual) {
    String what = what("dense weight gradient", c);
    if (c.large()) {
      // dW needs only x and dy, both small: no double copy of the weight matrix.
      double[] dy = toDouble(d.dy());
      double[] x = toDouble(d.x());
      assertCloseAt(
          what,
          actual,
          c.weightShape(),
          sample(c.weightShape().size(), REFERENCE_SAMPLES, c.name() + " dw"),
          i ->
              ReferenceDense.weightGradientAt(
                  dy, x, c.batch(), c.in(), c.out(), i / c.in(), i % c.in()),
          Tolerances.GRADIENT);
    } else {
      assertClose(
          what,
          actual,
          ReferenceDense.weightGradient(
              toDouble(d.dy()), toDouble(d.x()), c.batch(), c.in(), c.out()),
          c.weightShape(),
          Tolerances.GRADIENT);
    }
  }
}
