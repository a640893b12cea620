package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static dev.alexnet4j.api.oracle.OracleAssertions.assertCloseAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.FiniteDifferences.ScalarFunction;
import dev.alexnet4j.api.oracle.ReferenceConvolution;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution forward and backward against {@link ReferenceConvolution}, on small odd shapes
 * (groups 1 to 3, strides, padding, non-square kernels, batch 1 to 3) and on AlexNet's five
 * convolutions at batch 1.
 *
 * <p>For the AlexNet shapes the forward is compared in full, but the gradients only at {@value
 * #REFERENCE_SAMPLES} random elements each (bias gradients in full), evaluated with the reference's
 * single-element sums: a full double pass over conv2's or conv3's gradients would dominate the
 * suite's run time and prove little more.
 */
public abstract class ConvolutionConformance extends BackendConformance {

  /** One convolution to check; {@code large} ones compare gradients at a sample of elements. */
  public record Case(String name, Shape input, ConvolutionGeometry geometry, boolean large) {
    Shape output() {
      return geometry.outputShape(input);
    }

    /** Terms summed per output element. */
    long reduction() {
      return (long) geometry.inChannels()
          / geometry.groups()
          * geometry.kernelHeight()
          * geometry.kernelWidth();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> smallCases() {
    return Stream.of(
        new Case(
            "1x3x7x5 to 4, k3",
            Shape.nchw(1, 3, 7, 5),
            ConvolutionGeometry.square(3, 4, 3, 1, 0, 1),
            false),
        new Case(
            "2x4x7x5 to 6, k3 s2 p1 groups 2",
            Shape.nchw(2, 4, 7, 5),
            ConvolutionGeometry.square(4, 6, 3, 2, 1, 2),
            false),
        new Case(
            "1x5x9x8 to 5, k2x3 s2x1 p1x0",
            Shape.nchw(1, 5, 9, 8),
            new ConvolutionGeometry(5, 5, 2, 3, 2, 1, 1, 0, 1),
            false),
        new Case(
            "3x2x6x6 to 4, k5 p2 groups 2",
            Shape.nchw(3, 2, 6, 6),
            ConvolutionGeometry.square(2, 4, 5, 1, 2, 2),
            false),
        new Case(
            "2x3x23x23 to 8, k11 s4 (conv1-like)",
            Shape.nchw(2, 3, 23, 23),
            ConvolutionGeometry.square(3, 8, 11, 4, 0, 1),
            false),
        new Case(
            "2x4x5x3 to 3, k1",
            Shape.nchw(2, 4, 5, 3),
            ConvolutionGeometry.square(4, 3, 1, 1, 0, 1),
            false),
        new Case(
            "1x3x8x8 to 2, k3 s3 (last column unread)",
            Shape.nchw(1, 3, 8, 8),
            ConvolutionGeometry.square(3, 2, 3, 3, 0, 1),
            false),
        new Case(
            "1x6x5x5 to 9, k3 p1 groups 3",
            Shape.nchw(1, 6, 5, 5),
            ConvolutionGeometry.square(6, 9, 3, 1, 1, 3),
            false),
        new Case(
            "1x2x3x3 to 3, k5 p1 (one output)",
            Shape.nchw(1, 2, 3, 3),
            ConvolutionGeometry.square(2, 3, 5, 1, 1, 1),
            false));
  }

  static Stream<Case> alexNetCases() {
    return Stream.of(
        new Case(
            "AlexNet conv1 1x3x227x227 to 96, k11 s4",
            Shape.nchw(1, 3, 227, 227),
            ConvolutionGeometry.square(3, 96, 11, 4, 0, 1),
            true),
        new Case(
            "AlexNet conv2 1x96x27x27 to 256, k5 p2 groups 2",
            Shape.nchw(1, 96, 27, 27),
            ConvolutionGeometry.square(96, 256, 5, 1, 2, 2),
            true),
        new Case(
            "AlexNet conv3 1x256x13x13 to 384, k3 p1",
            Shape.nchw(1, 256, 13, 13),
            ConvolutionGeometry.square(256, 384, 3, 1, 1, 1),
            true),
        new Case(
            "AlexNet conv4 1x384x13x13 to 384, k3 p1 groups 2",
            Shape.nchw(1, 384, 13, 13),
            ConvolutionGeometry.square(384, 384, 3, 1, 1, 2),
            true),
        new Case(
            "AlexNet conv5 1x384x13x13 to 256, k3 p1 groups 2",
            Shape.nchw(1, 384, 13, 13),
            ConvolutionGeometry.square(384, 256, 3, 1, 1, 2),
            true));
  }

  static Stream<Case> allCases() {
    return Stream.concat(smallCases(), alexNetCases());
  }

  /** The first layer's plan, built without an input gradient, on a small shape and on conv1. */
  static Stream<Case> firstLayerCases() {
    return Stream.of(
        smallCases().findFirst().orElseThrow(), alexNetCases().findFirst().orElseThrow());
  }

  /**
   * Host data of one case: input in [-1, 1], weights of variance 1 / fan-in, so y is of order 1.
   */
  private record Data(float[] x, float[] w, float[] b, float[] dy) {
    static Data of(Case c, String salt) {
      SplittableRandom random = random(c.name() + salt);
      double bound = Math.sqrt(3.0 / c.reduction());
      return new Data(
          uniform(random, c.input().size(), -1, 1),
          uniform(random, c.geometry().weightShape().size(), -bound, bound),
          uniform(random, c.geometry().outChannels(), -0.5, 0.5),
          uniform(random, c.output().size(), -1, 1));
    }
  }

  private ConvolutionPlan plan(Case c, boolean inputGradient) {
    return closeAfterTest(backend().convolution(device(), c.input(), c.geometry(), inputGradient));
  }

  private Shape biasShape(Case c) {
    return Shape.of(c.geometry().outChannels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void forwardMatchesReference(Case c) {
    Data d = Data.of(c, "");
    ConvolutionPlan plan = plan(c, true);
    assertEquals(c.output(), plan.outputShape(), what("convolution output shape", c));
    Tensor y =
        plan.forward(
            upload(c.input(), d.x()),
            upload(c.geometry().weightShape(), d.w()),
            upload(biasShape(c), d.b()));
    assertEquals(c.output(), y.shape(), what("convolution forward output shape", c));
    double[] expected =
        ReferenceConvolution.forward(
            toDouble(d.x()), c.input(), toDouble(d.w()), toDouble(d.b()), c.geometry());
    assertClose(
        what("convolution forward", c),
        download(y),
        expected,
        c.output(),
        Tolerances.forReduction(c.reduction()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void forwardWithoutBiasMatchesReference(Case c) {
    Data d = Data.of(c, "");
    Tensor y =
        plan(c, true)
            .forward(upload(c.input(), d.x()), upload(c.geometry().weightShape(), d.w()), null);
    double[] expected =
        ReferenceConvolution.forward(
            toDouble(d.x()), c.input(), toDouble(d.w()), null, c.geometry());
    assertClose(
        what("convolution forward without bias", c),
        download(y),
        expected,
        c.output(),
        Tolerances.forReduction(c.reduction()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void backwardMatchesReference(Case c) {
    Data d = Data.of(c, "");
    ConvolutionPlan plan = plan(c, true);
    plan.forward(
        upload(c.input(), d.x()),
        upload(c.geometry().weightShape(), d.w()),
        upload(biasShape(c), d.b()));
    Tensor weightGradient = zeros(c.geometry().weightShape());
    Tensor biasGradient = zeros(biasShape(c));
    // Stale values must be overwritten, not accumulated into.
    backend().fill(weightGradient, 123f);
    backend().fill(biasGradient, 123f);
    Tensor inputGradient = plan.backward(upload(c.output(), d.dy()), weightGradient, biasGradient);
    assertNotNull(inputGradient, what("convolution backward input gradient (requested)", c));
    assertEquals(c.input(), inputGradient.shape(), what("convolution input gradient shape", c));
    checkInputGradient(c, d, download(inputGradient));
    checkWeightGradient(c, d, download(weightGradient));
    assertClose(
        what("convolution bias gradient", c),
        download(biasGradient),
        ReferenceConvolution.biasGradient(toDouble(d.dy()), c.output()),
        biasShape(c),
        Tolerances.GRADIENT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("firstLayerCases")
  void backwardWithoutInputGradientReturnsNull(Case c) {
    Data d = Data.of(c, "");
    ConvolutionPlan plan = plan(c, false);
    plan.forward(
        upload(c.input(), d.x()),
        upload(c.geometry().weightShape(), d.w()),
        upload(biasShape(c), d.b()));
    Tensor weightGradient = zeros(c.geometry().weightShape());
    Tensor biasGradient = zeros(biasShape(c));
    Tensor inputGradient = plan.backward(upload(c.output(), d.dy()), weightGradient, biasGradient);
    assertNull(inputGradient, what("convolution backward of a plan without input gradient", c));
    checkWeightGradient(c, d, download(weightGradient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardWithoutBiasGradientStillGivesTheOthers(Case c) {
    Data d = Data.of(c, "");
    ConvolutionPlan plan = plan(c, true);
    plan.forward(upload(c.input(), d.x()), upload(c.geometry().weightShape(), d.w()), null);
    Tensor weightGradient = zeros(c.geometry().weightShape());
    Tensor inputGradient = plan.backward(upload(c.output(), d.dy()), weightGradient, null);
    checkInputGradient(c, d, download(inputGradient));
    checkWeightGradient(c, d, download(weightGradient));
  }

  /** A second forward with other tensors replaces the first; backward follows the second. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    Data first = Data.of(c, " first");
    Data second = Data.of(c, " second");
    ConvolutionPlan plan = plan(c, true);
    Shape weightShape = c.geometry().weightShape();
    plan.forward(
        upload(c.input(), first.x()),
        upload(weightShape, first.w()),
        upload(biasShape(c), first.b()));
    Tensor y =
        plan.forward(
            upload(c.input(), second.x()),
            upload(weightShape, second.w()),
            upload(biasShape(c), second.b()));
    assertClose(
        what("convolution second forward", c),
        download(y),
        ReferenceConvolution.forward(
            toDouble(second.x()),
            c.input(),
            toDouble(second.w()),
            toDouble(second.b()),
            c.geometry()),
        c.output(),
        Tolerances.forReduction(c.reduction()));
    Tensor weightGradient = zeros(weightShape);
    Tensor inputGradient =
        plan.backward(upload(c.output(), second.dy()), weightGradient, zeros(biasShape(c)));
    checkInputGradient(c, second, download(inputGradient));
    checkWeightGradient(c, second, download(weightGradient));
  }

  /** The backend's gradients against float differences of its own forward, L = sum r y. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    Data d = Data.of(c, "");
    float[] r = d.dy();
    ConvolutionPlan plan = plan(c, true);
    Shape weightShape = c.geometry().weightShape();
    Tensor x = upload(c.input(), d.x());
    Tensor w = upload(weightShape, d.w());
    Tensor b = upload(biasShape(c), d.b());
    plan.forward(x, w, b);
    Tensor weightGradient = zeros(weightShape);
    Tensor biasGradient = zeros(biasShape(c));
    float[] dx = download(plan.backward(upload(c.output(), r), weightGradient, biasGradient));
    float[] dw = download(weightGradient);
    float[] db = download(biasGradient);
    assertFloatFiniteDifferences(
        what("convolution input gradient vs float finite differences", c),
        d.x(),
        sample(d.x().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " x"),
        v -> {
          backend().upload(v, x);
          return project(download(plan.forward(x, w, b)), r);
        },
        dx);
    assertFloatFiniteDifferences(
        what("convolution weight gradient vs float finite differences", c),
        d.w(),
        sample(d.w().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " w"),
        v -> {
          backend().upload(v, w);
          return project(download(plan.forward(x, w, b)), r);
        },
        dw);
    assertFloatFiniteDifferences(
        what("convolution bias gradient vs float finite differences", c),
        d.b(),
        sample(d.b().length, FINITE_DIFFERENCE_SAMPLES, c.name() + " b"),
        v -> {
          backend().upload(v, b);
          return project(download(plan.forward(x, w, b)), r);
        },
        db);
  }

  /** The reference's own backward against double differences of its forward. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void referenceBackwardMatchesFiniteDifferences(Case c) {
    Data d = Data.of(c, "");
    double[] x = toDouble(d.x());
    double[] w = toDouble(d.w());
    double[] b = toDouble(d.b());
    double[] r = toDouble(d.dy());
    Shape in = c.input();
    ConvolutionGeometry g = c.geometry();
    int samples = 40;
    FiniteDifferences.assertGradient(
        what("reference convolution input gradient vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceConvolution.forward(v, in, w, b, g), r),
        x,
        ReferenceConvolution.inputGradient(r, w, in, g),
        FiniteDifferences.sample(x.length, samples, seed(c.name())),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
    FiniteDifferences.assertGradient(
        what("reference convolution weight gradient vs finite differences", c),
        FiniteDifferences.projected(v -> ReferenceConvolution.forward(x, in, v, b, g), r),
        w,
        ReferenceConvolution.weightGradient(r, x, in, g),
        FiniteDifferences.sample(w.length, samples, seed(c.name())),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
    ScalarFunction biasLoss =
        FiniteDifferences.projected(v -> ReferenceConvolution.forward(x, in, w, v, g), r);
    FiniteDifferences.assertGradient(
        what("reference convolution bias gradient vs finite differences", c),
        biasLoss,
        b,
        ReferenceConvolution.biasGradient(r, c.output()),
        FiniteDifferences.all(b.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }

  private void checkInputGradient(Case c, Data d, float[] actual) {
    double[] dy = toDouble(d.dy());
    double[] w = toDouble(d.w());
    String what = what("convolution input gradient", c);
    if (c.large()) {
      assertCloseAt(
          what,
          actual,
          c.input(),
          sample(c.input().size(), REFERENCE_SAMPLES, c.name() + " dx"),
          i -> {
            int[] at = unravel(c.input(), i);
            return ReferenceConvolution.inputGradientAt(
                dy, w, c.input(), c.geometry(), at[0], at[1], at[2], at[3]);
          },
          Tolerances.GRADIENT);
    } else {
      assertClose(
          what,
          actual,
          ReferenceConvolution.inputGradient(dy, w, c.input(), c.geometry()),
          c.input(),
          Tolerances.GRADIENT);
    }
  }

  private void checkWeightGradient(Case c, Data d, float[] actual) {
    double[] dy = toDouble(d.dy());
    double[] x = toDouble(d.x());
    Shape weightShape = c.geometry().weightShape();
    String what = what("convolution weight gradient", c);
    if (c.large()) {
      assertCloseAt(
          what,
          actual,
          weightShape,
          sample(weightShape.size(), REFERENCE_SAMPLES, c.name() + " dw"),
          i -> {
            int[] at = unravel(weightShape, i);
            return ReferenceConvolution.weightGradientAt(
                dy, x, c.input(), c.geometry(), at[0], at[1], at[2], at[3]);
          },
          Tolerances.GRADIENT);
    } else {
      assertClose(
          what,
          actual,
          ReferenceConvolution.weightGradient(dy, x, c.input(), c.geometry()),
          weightShape,
          Tolerances.GRADIENT);
    }
  }
}
