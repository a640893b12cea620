package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceChannelConcat;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concatenation along axis 1 and its split, bit exact, for [N, F] and NCHW parts, including the
 * joins of the paper's two towers (conv2's halves before conv3, fc6's halves before fc7).
 */
public abstract class ChannelConcatConformance extends BackendConformance {

  public record Case(String name, List<Shape> parts) {
    Shape whole() {
      return ReferenceChannelConcat.concatShape(parts);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("2x3 + 2x5", List.of(Shape.of(2, 3), Shape.of(2, 5))),
        new Case(
            "2x3x4x5 + 2x1x4x5 + 2x2x4x5",
            List.of(Shape.nchw(2, 3, 4, 5), Shape.nchw(2, 1, 4, 5), Shape.nchw(2, 2, 4, 5))),
        new Case("3x1x2x2 + 3x1x2x2", List.of(Shape.nchw(3, 1, 2, 2), Shape.nchw(3, 1, 2, 2))),
        new Case(
            "AlexNet conv2 towers 1x128x27x27 + 1x128x27x27",
            List.of(Shape.nchw(1, 128, 27, 27), Shape.nchw(1, 128, 27, 27))),
        new Case(
            "AlexNet fc6 towers 2x2048 + 2x2048", List.of(Shape.of(2, 2048), Shape.of(2, 2048))));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.whole().size() < 1000);
  }

  private static List<float[]> parts(Case c, String salt) {
    List<float[]> parts = new ArrayList<>();
    for (int k = 0; k < c.parts().size(); k++) {
      parts.add(uniform(random(c.name() + salt + k), c.parts().get(k).size(), -1, 1));
    }
    return parts;
  }

  private List<Tensor> upload(Case c, List<float[]> parts) {
    List<Tensor> tensors = new ArrayList<>();
    for (int k = 0; k < parts.size(); k++) {
      tensors.add(upload(c.parts().get(k), parts.get(k)));
    }
    return tensors;
  }

  private static List<double[]> toDouble(List<float[]> parts) {
    return parts.stream().map(BackendConformance::toDouble).toList();
  }

  private ChannelConcatPlan plan(Case c) {
    return closeAfterTest(backend().channelConcat(device(), c.parts()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void concatenatesAndSplitsExactly(Case c) {
    List<float[]> parts = parts(c, "");
    ChannelConcatPlan plan = plan(c);
    Tensor y = plan.forward(upload(c, parts));
    assertEquals(c.whole(), y.shape(), what("channel concatenation output shape", c));
    assertClose(
        what("channel concatenation forward", c),
        download(y),
        ReferenceChannelConcat.concat(toDouble(parts), c.parts()),
        c.whole(),
        Tolerances.EXACT);
    checkSplit(c, plan, "");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void planIsReusable(Case c) {
    ChannelConcatPlan plan = plan(c);
    plan.forward(upload(c, parts(c, " first")));
    List<float[]> second = parts(c, " second");
    Tensor y = plan.forward(upload(c, second));
    assertClose(
        what("channel concatenation second forward", c),
        download(y),
        ReferenceChannelConcat.concat(toDouble(second), c.parts()),
        c.whole(),
        Tolerances.EXACT);
    checkSplit(c, plan, " first");
    checkSplit(c, plan, " second");
  }

  private void checkSplit(Case c, ChannelConcatPlan plan, String salt) {
    float[] dy = uniform(random(c.name() + " dy" + salt), c.whole().size(), -1, 1);
    List<Tensor> grads = plan.backward(upload(c.whole(), dy));
    assertEquals(c.parts().size(), grads.size(), what("channel split part count", c));
    List<double[]> expected = ReferenceChannelConcat.split(toDouble(dy), c.parts());
    for (int k = 0; k < grads.size(); k++) {
      assertEquals(
          c.parts().get(k), grads.get(k).shape(), what("channel split part " + k + " shape", c));
      assertClose(
          what("channel split (backward) part " + k, c),
          download(grads.get(k)),
          expected.get(k),
          c.parts().get(k),
          Tolerances.EXACT);
    }
  }

  /** L = sum r y: its gradient with respect to part k's element is r at that element's place. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferences(Case c) {
    List<float[]> parts = parts(c, "");
    List<Tensor> tensors = upload(c, parts);
    float[] r = uniform(random(c.name() + " r"), c.whole().size(), -1, 1);
    ChannelConcatPlan plan = plan(c);
    plan.forward(tensors);
    List<Tensor> grads = plan.backward(upload(c.whole(), r));
    for (int k = 0; k < parts.size(); k++) {
      int part = k;
      assertFloatFiniteDifferences(
          what("channel split part " + k + " vs float finite differences", c),
          parts.get(k),
          sample(parts.get(k).length, FINITE_DIFFERENCE_SAMPLES, c.name() + k),
          v -> {
            backend().upload(v, tensors.get(part));
            return project(download(plan.forward(tensors)), r);
          },
          download(grads.get(k)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void referenceSplitMatchesFiniteDifferences(Case c) {
    List<double[]> parts = new ArrayList<>(toDouble(parts(c, "")));
    double[] r = toDouble(uniform(random(c.name() + " r"), c.whole().size(), -1, 1));
    List<double[]> split = ReferenceChannelConcat.split(r, c.parts());
    for (int k = 0; k < parts.size(); k++) {
      int part = k;
      FiniteDifferences.assertGradient(
          what("reference channel split part " + k + " vs finite differences", c),
          FiniteDifferences.projected(
              v -> {
                List<double[]> changed = new ArrayList<>(parts);
                changed.set(part, v);
                return ReferenceChannelConcat.concat(changed, c.parts());
              },
              r),
          parts.get(k),
          split.get(k),
          FiniteDifferences.all(parts.get(k).length),
          Tolerances.DOUBLE_STEP,
          Tolerances.REFERENCE_FINITE_DIFFERENCE);
    }
  }
}
