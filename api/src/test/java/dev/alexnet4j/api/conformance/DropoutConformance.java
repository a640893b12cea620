package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static dev.alexnet4j.api.oracle.OracleAssertions.assertSameFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceDropout;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inverted dropout against {@link ReferenceDropout}: the kept units must be exactly those of {@link
 * DropoutMask} for the element's global index, so that a layer split over devices (or backends)
 * drops the same units as the whole layer.
 */
public abstract class DropoutConformance extends BackendConformance {
  private static final long SEED = 20_121_203L;
  private static final int FC6 = DropoutMask.layerId("fc6");

  public record Case(String name, Shape input, DropoutGeometry geometry) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "AlexNet fc6 2x4096, rate 0.5",
            Shape.of(2, 4096),
            DropoutGeometry.whole(0.5f, FC6, 4096)),
        new Case("3x10, rate 0.3", Shape.of(3, 10), DropoutGeometry.whole(0.3f, 7, 10)),
        new Case("1x7, rate 0.2", Shape.of(1, 7), DropoutGeometry.whole(0.2f, -5, 7)),
        new Case(
            "2x6x5x5, channels 4..9 of 10, rate 0.5",
            Shape.nchw(2, 6, 5, 5),
            new DropoutGeometry(0.5f, 11, 10, 4)),
        new Case(
            "2x1024, channels 2048..3071 of 4096, rate 0.5",
            Shape.of(2, 1024),
            new DropoutGeometry(0.5f, FC6, 4096, 2048)));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.input().size() < 1000);
  }

  /** Inputs bounded away from zero, so a zero output can only mean a dropped unit. */
  private static float[] nonZero(long n, String salt) {
    SplittableRandom random = random(salt);
    float[] x = new float[Math.toIntExact(n)];
    for (int i = 0; i < x.length; i++) {
      double magnitude = random.nextDouble(0.5, 1.5);
      x[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
    }
    return x;
  }

  private DropoutPlan plan(Shape shape, DropoutGeometry geometry) {
    return closeAfterTest(backend().dropout(device(), shape, geometry));
  }

  /** The output is zero exactly where the mask drops, and x / (1 - rate) elsewhere. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardAppliesTheCounterBasedMask(Case c) {
    float[] x = nonZero(c.input().size(), c.name());
    long step = 3;
    Tensor y = plan(c.input(), c.geometry()).forward(upload(c.input(), x), SEED, step);
    assertEquals(c.input(), y.shape(), what("dropout output shape", c));
    float[] actual = download(y);
    boolean[] keep = ReferenceDropout.keepMask(c.input(), c.geometry(), SEED, step);
    for (int i = 0; i < keep.length; i++) {
      if ((actual[i] != 0) != keep[i]) {
        fail(
            what("dropout mask", c)
                + ": element "
                + i
                + " (global index "
                + ReferenceDropout.globalIndex(c.input(), c.geometry(), i)
                + ") is "
                + (keep[i] ? "dropped" : "kept")
                + " but DropoutMask "
                + (keep[i] ? "keeps" : "drops")
                + " it");
      }
    }
    assertClose(
        what("dropout forward", c),
        actual,
        ReferenceDropout.forward(toDouble(x), c.input(), c.geometry(), SEED, step),
        c.input(),
        Tolerances.ELEMENTWISE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardUsesTheForwardMask(Case c) {
    float[] x = nonZero(c.input().size(), c.name());
    float[] dy = uniform(random(c.name() + " dy"), c.input().size(), -1, 1);
    DropoutPlan plan = plan(c.input(), c.geometry());
    plan.forward(upload(c.input(), x), SEED, 4);
    Tensor dx = plan.backward(upload(c.input(), dy));
    assertEquals(c.input(), dx.shape(), what("dropout input gradient shape", c));
    assertClose(
        what("dropout backward", c),
        download(dx),
        ReferenceDropout.backward(toDouble(dy), c.input(), c.geometry(), SEED, 4),
        c.input(),
        Tolerances.ELEMENTWISE);
  }

  /**
   * Over 2^18 units the kept fraction is 1 - rate within {@link Tolerances#DROPOUT_SIGMAS} sigma.
   */
  @ParameterizedTest(name = "rate {0}")
  @MethodSource("rates")
  void keptFractionIsOneMinusRate(float rate) {
    Shape shape = Shape.of(64, 4096);
    float[] x = new float[(int) shape.size()];
    Arrays.fill(x, 1f);
    float[] y =
        download(
            plan(shape, DropoutGeometry.whole(rate, FC6, 4096)).forward(upload(shape, x), SEED, 0));
    long kept = 0;
    for (float v : y) {
      kept += v != 0 ? 1 : 0;
    }
    double fraction = kept / (double) y.length;
    double sigma = Math.sqrt(rate * (1 - rate) / y.length);
    assertTrue(
        Math.abs(fraction - (1 - rate)) <= Tolerances.DROPOUT_SIGMAS * sigma,
        what("dropout kept fraction", "rate " + rate)
            + ": kept "
            + fraction
            + " of "
            + y.length
            + ", expected "
            + (1 - rate)
            + " +- "
            + Tolerances.DROPOUT_SIGMAS * sigma);
  }

  static Stream<Float> rates() {
    return Stream.of(0.5f, 0.2f, 0.9f);
  }

  /** Steps and seeds change the mask; the same (seed, step) gives the same one; no stale state. */
  @Test
  void masksDependOnSeedAndStepOnly() {
    Shape shape = Shape.of(4, 4096);
    DropoutGeometry geometry = DropoutGeometry.whole(0.5f, FC6, 4096);
    float[] x = nonZero(shape.size(), "steps");
    Tensor input = upload(shape, x);
    DropoutPlan plan = plan(shape, geometry);
    float[] step0 = download(plan.forward(input, SEED, 0));
    float[] step1 = download(plan.forward(input, SEED, 1));
    float[] otherSeed = download(plan.forward(input, SEED + 1, 0));
    float[] step0Again = download(plan.forward(input, SEED, 0));
    String what = what("dropout masks", "4x4096 rate 0.5");
    assertSameFloats(what + ", step 0 twice", step0Again, step0, shape);
    double differentSteps = differingZeroPattern(step0, step1);
    double differentSeeds = differingZeroPattern(step0, otherSeed);
    // Independent masks of rate 0.5 disagree on half the units, give or take binomial noise.
    double bound = Tolerances.DROPOUT_SIGMAS * Math.sqrt(0.25 / step0.length);
    assertTrue(
        Math.abs(differentSteps - 0.5) <= bound,
        what + ": steps 0 and 1 disagree on " + differentSteps + " of the units, expected 0.5");
    assertTrue(
        Math.abs(differentSeeds - 0.5) <= bound,
        what + ": two seeds disagree on " + differentSeeds + " of the units, expected 0.5");
    // The backward follows the last forward (step 0 again), not an earlier one.
    float[] dy = uniform(random("steps dy"), shape.size(), -1, 1);
    assertClose(
        what + ", backward after the last forward",
        download(plan.backward(upload(shape, dy))),
        ReferenceDropout.backward(toDouble(dy), shape, geometry, SEED, 0),
        shape,
        Tolerances.ELEMENTWISE);
  }

  private static double differingZeroPattern(float[] a, float[] b) {
    int differ = 0;
    for (int i = 0; i < a.length; i++) {
      differ += (a[i] == 0) != (b[i] == 0) ? 1 : 0;
    }
    return differ / (double) a.length;
  }

  /**
   * The paper's two-GPU fc6: two plans on [N, 2048] with channel offsets 0 and 2048 of 4096 drop
   * exactly the units that one plan on [N, 4096] drops.
   */
  @Test
  void splitHalvesReproduceTheWholeLayerFc() {
    checkSplit(Shape.of(3, 4096), 0.5f, FC6, 7);
  }

  /** The same for an NCHW tensor split along channels. */
  @Test
  void splitHalvesReproduceTheWholeLayerNchw() {
    checkSplit(Shape.nchw(2, 6, 3, 3), 0.3f, 99, 11);
  }

  private void checkSplit(Shape whole, float rate, int layerId, long step) {
    int half = whole.channels() / 2;
    Shape halfShape = whole.withChannels(half);
    int rest = (int) (whole.sampleSize() / whole.channels());
    float[] x = nonZero(whole.size(), "split " + whole);
    float[] expected =
        download(
            plan(whole, DropoutGeometry.whole(rate, layerId, whole.channels()))
                .forward(upload(whole, x), SEED, step));
    for (int part = 0; part < 2; part++) {
      float[] xPart = new float[(int) halfShape.size()];
      float[] expectedPart = new float[xPart.length];
      for (int n = 0; n < whole.batch(); n++) {
        int from = (n * whole.channels() + part * half) * rest;
        System.arraycopy(x, from, xPart, n * half * rest, half * rest);
        System.arraycopy(expected, from, expectedPart, n * half * rest, half * rest);
      }
      DropoutGeometry geometry = new DropoutGeometry(rate, layerId, whole.channels(), part * half);
      float[] actual =
          download(plan(halfShape, geometry).forward(upload(halfShape, xPart), SEED, step));
      assertSameFloats(
          what("dropout split", whole + " half " + part + " (channel offset " + part * half + ")")
              + " against the whole layer's output",
          actual,
          expectedPart,
          halfShape);
    }
  }

  /**
   * Data parallelism: two plans on the batch halves, at batch offsets 0 and N/2, drop exactly the
   * units one plan on the whole batch drops (also on a channel slice, as the hybrid split has).
   */
  @Test
  void batchHalvesReproduceTheWholeBatch() {
    checkBatchSplit(Shape.of(4, 4096), DropoutGeometry.whole(0.5f, FC6, 4096), 5);
    checkBatchSplit(Shape.nchw(6, 3, 2, 2), new DropoutGeometry(0.3f, 21, 8, 5), 9);
  }

  private void checkBatchSplit(Shape whole, DropoutGeometry geometry, long step) {
    int half = whole.batch() / 2;
    Shape halfShape = whole.sample().batchOf(half);
    float[] x = nonZero(whole.size(), "batch split " + whole);
    float[] expected = download(plan(whole, geometry).forward(upload(whole, x), SEED, step));
    int length = (int) halfShape.size();
    for (int part = 0; part < 2; part++) {
      float[] xPart = java.util.Arrays.copyOfRange(x, part * length, (part + 1) * length);
      float[] expectedPart =
          java.util.Arrays.copyOfRange(expected, part * length, (part + 1) * length);
      float[] actual =
          download(
              plan(halfShape, geometry.atBatchOffset(part * half))
                  .forward(upload(halfShape, xPart), SEED, step));
      assertSameFloats(
          what(
                  "dropout batch split",
                  whole + " half " + part + " (batch offset " + part * half + ")")
              + " against the whole batch's output",
          actual,
          expectedPart,
          halfShape);
    }
  }

  @Test
  void rateZeroIsTheIdentity() {
    Shape shape = Shape.of(3, 50);
    float[] x = nonZero(shape.size(), "rate 0");
    float[] y =
        download(
            plan(shape, DropoutGeometry.whole(0f, FC6, 50)).forward(upload(shape, x), SEED, 0));
    assertSameFloats(what("dropout", "rate 0 on 3x50"), y, x, shape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    float[] x = nonZero(c.input().size(), c.name());
    float[] r = uniform(random(c.name() + " r"), c.input().size(), -1, 1);
    DropoutPlan plan = plan(c.input(), c.geometry());
    Tensor input = upload(c.input(), x);
    plan.forward(input, SEED, 5);
    float[] dx = download(plan.backward(upload(c.input(), r)));
    assertFloatFiniteDifferences(
        what("dropout backward vs float finite differences", c),
        x,
        sample(x.length, FINITE_DIFFERENCE_SAMPLES, c.name()),
        v -> {
          backend().upload(v, input);
          return project(download(plan.forward(input, SEED, 5)), r);
        },
        dx);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void referenceBackwardMatchesFiniteDifferences(Case c) {
    double[] x = toDouble(nonZero(c.input().size(), c.name()));
    double[] r = toDouble(uniform(random(c.name() + " r"), c.input().size(), -1, 1));
    FiniteDifferences.assertGradient(
        what("reference dropout backward vs finite differences", c),
        FiniteDifferences.projected(
            v -> ReferenceDropout.forward(v, c.input(), c.geometry(), SEED, 5), r),
        x,
        ReferenceDropout.backward(r, c.input(), c.geometry(), SEED, 5),
        FiniteDifferences.all(x.length),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }
}
