package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferencePooling;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Max pooling against {@link ReferencePooling}, on small shapes (overlapping and not, padding,
 * stride above the kernel) and on AlexNet's three pooling layers at batch 1.
 *
 * <p>Inputs are a shuffled grid ({@link #distinct}) so that no window holds a tie: the reference
 * breaks ties by scan order, which the SPI does not promise. Ties get their own test, which checks
 * only what the SPI does promise: each window's gradient goes, whole, to one of its maxima.
 */
public abstract class PoolingConformance extends BackendConformance {

  public record Case(String name, Shape input, PoolingGeometry geometry) {
    Shape output() {
      return geometry.outputShape(input);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> smallCases() {
    return Stream.of(
        new Case("1x1x7x5, 3/2", Shape.nchw(1, 1, 7, 5), new PoolingGeometry(3, 2, 0)),
        new Case(
            "2x3x8x8, 2/2 (not overlapping)", Shape.nchw(2, 3, 8, 8), new PoolingGeometry(2, 2, 0)),
        new Case("1x2x7x7, 3/2 pad 1", Shape.nchw(1, 2, 7, 7), new PoolingGeometry(3, 2, 1)),
        new Case("2x5x6x9, 3/1 pad 1", Shape.nchw(2, 5, 6, 9), new PoolingGeometry(3, 1, 1)),
        new Case("1x3x5x7, 3/3 pad 2", Shape.nchw(1, 3, 5, 7), new PoolingGeometry(3, 3, 2)),
        new Case("1x2x8x8, 2/3 (gaps)", Shape.nchw(1, 2, 8, 8), new PoolingGeometry(2, 3, 0)));
  }

  static Stream<Case> alexNetCases() {
    return Stream.of(
        new Case(
            "AlexNet pool1 1x96x55x55, 3/2",
            Shape.nchw(1, 96, 55, 55),
            new PoolingGeometry(3, 2, 0)),
        new Case(
            "AlexNet pool2 1x256x27x27, 3/2",
            Shape.nchw(1, 256, 27, 27),
            new PoolingGeometry(3, 2, 0)),
        new Case(
            "AlexNet pool5 1x256x13x13, 3/2",
            Shape.nchw(1, 256, 13, 13),
            new PoolingGeometry(3, 2, 0)));
  }

  static Stream<Case> allCases() {
    return Stream.concat(smallCases(), alexNetCases());
  }

  static Stream<Case> tieCases() {
    return Stream.of(
        new Case("ties 2x3x8x8, 2/2", Shape.nchw(2, 3, 8, 8), new PoolingGeometry(2, 2, 0)),
        new Case("ties 1x4x9x7, 3/2", Shape.nchw(1, 4, 9, 7), new PoolingGeometry(3, 2, 0)),
        new Case("ties 1x2x7x7, 3/2 pad 1", Shape.nchw(1, 2, 7, 7), new PoolingGeometry(3, 2, 1)));
  }

  /**
   * Grid spacing of the inputs: five float finite-difference steps, so a perturbation never changes
   * which element wins a window.
   */
  private static final double SPACING = 5 * Tolerances.FLOAT_STEP;

  private static float[] input(Case c, String salt) {
    // The large shapes get a finer grid, which keeps their values small; they need no FD steps.
    double spacing = c.input().size() > 10_000 ? 1e-3 : SPACING;
    return distinct(random(c.name() + salt), c.input().size(), spacing);
  }

  private static float[] outputGradient(Case c, String salt) {
    return uniform(random(c.name() + salt + " dy"), c.output().size(), -1, 1);
  }

  private PoolingPlan plan(Case c) {
    PoolingPlan plan = closeAfterTest(backend().maxPooling(device(), c.input(), c.geometry()));
    assertEquals(c.output(), plan.outputShape(), what("max pooling output shape", c));
    return plan;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void forwardMatchesReference(Case c) {
    float[] x = input(c, "");
    Tensor y = plan(c).forward(upload(c.input(), x));
    assertEquals(c.output(), y.shape(), what("max pooling forward output shape", c));
    assertClose(
        what("max pooling forward", c),
        download(y),
        ReferencePooling.forward(toDouble(x), c.input(), c.geometry()),
        c.output(),
        Tolerances.FORWARD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCases")
  void backwardMatchesReference(Case c) {
    float[] x = input(c, "");
    float[] dy = outputGradient(c, "");
    PoolingPlan plan = plan(c);
    plan.forward(upload(c.input(), x));
    Tensor dx = plan.backward(upload(c.output(), dy));
    assertEquals(c.input(), dx.shape(), what("max pooling input gradient shape", c));
    assertClose(
        what("max pooling backward", c),
        download(dx),
        ReferencePooling.backward(toDouble(dy), toDouble(x), c.input(), c.geometry()),
        c.input(),
        Tolerances.LOCAL_GRADIENT);
  }

  /**
   * With ties (ReLU zeros, repeated values) the forward is still exact, and each window's gradient
   * goes whole to its maxima: per (n, c) plane the input gradient sums to the output gradient, and
   * is non-zero only on elements that are the maximum of a window holding them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tieCases")
  void tiesRouteEachWindowGradientToAMaximum(Case c) {
    SplittableRandom random = random(c.name());
    float[] x = new float[(int) c.input().size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0, random.nextInt(4) - 1);
    }
    float[] dy = new float[(int) c.output().size()];
    for (int i = 0; i < dy.length; i++) {
      // Powers of two: every partial sum is exact in float, so conservation is checked sharply.
      dy[i] = (float) Math.scalb(1.0, -(i % 20));
    }
    PoolingPlan plan = plan(c);
    float[] y = download(plan.forward(upload(c.input(), x)));
    double[] xd = toDouble(x);
    assertClose(
        what("max pooling forward with ties", c),
        y,
        ReferencePooling.forward(xd, c.input(), c.geometry()),
        c.output(),
        Tolerances.EXACT);
    float[] dx = download(plan.backward(upload(c.output(), dy)));
    Shape in = c.input();
    Shape out = c.output();
    int plane = in.height() * in.width();
    int outPlane = out.height() * out.width();
    for (int p = 0; p < in.batch() * in.channels(); p++) {
      double sumDx = 0;
      double sumDy = 0;
      for (int i = 0; i < plane; i++) {
        sumDx += dx[p * plane + i];
      }
      for (int i = 0; i < outPlane; i++) {
        sumDy += dy[p * outPlane + i];
      }
      if (Math.abs(sumDx - sumDy) > Tolerances.LOCAL_GRADIENT.bound(sumDy)) {
        fail(
            what("max pooling backward with ties", c)
                + ": plane "
                + p
                + " receives "
                + sumDx
                + " of output gradient "
                + sumDy
                + " (a window's gradient must go whole to one element)");
      }
      for (int i = 0; i < plane; i++) {
        if (dx[p * plane + i] != 0 && !isWindowMaximum(xd, c, p, i)) {
          fail(
              what("max pooling backward with ties", c)
                  + ": gradient "
                  + dx[p * plane + i]
                  + " at plane "
                  + p
                  + " element "
                  + i
                  + " (value "
                  + x[p * plane + i]
                  + "), which is no window's maximum");
        }
      }
    }
  }

  /** Whether element i of plane p equals the maximum of some window that contains it. */
  private static boolean isWindowMaximum(double[] x, Case c, int p, int i) {
    Shape in = c.input();
    PoolingGeometry g = c.geometry();
    int h = i / in.width();
    int w = i % in.width();
    int n = p / in.channels();
    int channel = p % in.channels();
    Shape out = c.output();
    for (int oy = 0; oy < out.height(); oy++) {
      for (int ox = 0; ox < out.width(); ox++) {
        int top = oy * g.stride() - g.pad();
        int left = ox * g.stride() - g.pad();
        if (h >= top && h < top + g.kernel() && w >= left && w < left + g.kernel()) {
          int winner = ReferencePooling.argmaxAt(x, in, g, n, channel, oy, ox);
          if (x[winner] == x[p * in.height() * in.width() + i]) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    float[] first = input(c, " first");
    float[] second = input(c, " second");
    float[] dy = outputGradient(c, " second");
    PoolingPlan plan = plan(c);
    plan.forward(upload(c.input(), first));
    Tensor y = plan.forward(upload(c.input(), second));
    assertClose(
        what("max pooling second forward", c),
        download(y),
        ReferencePooling.forward(toDouble(second), c.input(), c.geometry()),
        c.output(),
        Tolerances.FORWARD);
    assertClose(
        what("max pooling backward after a second forward", c),
        download(plan.backward(upload(c.output(), dy))),
        ReferencePooling.backward(toDouble(dy), toDouble(second), c.input(), c.geometry()),
        c.input(),
        Tolerances.LOCAL_GRADIENT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    float[] x = input(c, "");
    float[] r = outputGradient(c, "");
    PoolingPlan plan = plan(c);
    Tensor input = upload(c.input(), x);
    plan.forward(input);
    float[] dx = download(plan.backward(upload(c.output(), r)));
    assertFloatFiniteDifferences(
        what("max pooling backward vs float finite differences", c),
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
        what("reference max pooling backward vs finite differences", c),
        FiniteDifferences.projected(v -> ReferencePooling.forward(v, c.input(), c.geometry()), r),
        x,
        ReferencePooling.backward(r, x, c.input(), c.geometry()),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }
}
