package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.ReferenceSoftmaxCrossEntropy;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Softmax, the mean cross-entropy loss and its gradient (p - onehot) / N against {@link
 * ReferenceSoftmaxCrossEntropy}, including AlexNet's 1000 classes and logits large enough that exp
 * overflows float unless the row maximum is subtracted first.
 */
public abstract class SoftmaxCrossEntropyConformance extends BackendConformance {

  /** Logits uniform in [offset - spread, offset + spread]. */
  public record Case(String name, int batch, int classes, double offset, double spread) {
    Shape shape() {
      return Shape.of(batch, classes);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("2x5", 2, 5, 0, 2),
        new Case("1x3", 1, 3, 0, 1),
        new Case("4x10", 4, 10, 0, 3),
        new Case("AlexNet fc8 1x1000", 1, 1000, 0, 2),
        new Case("3x1000", 3, 1000, 0, 2),
        new Case("2x20 logits near 100 (exp overflows without the max)", 2, 20, 100, 5),
        new Case("3x1000 logits in +-30", 3, 1000, 0, 30));
  }

  static Stream<Case> smallCases() {
    return cases().filter(c -> c.classes() <= 20);
  }

  private static float[] logits(Case c, String salt) {
    return uniform(
        random(c.name() + salt),
        c.shape().size(),
        c.offset() - c.spread(),
        c.offset() + c.spread());
  }

  private static int[] labels(Case c, String salt) {
    SplittableRandom random = random(c.name() + salt + " labels");
    int[] labels = new int[c.batch()];
    for (int n = 0; n < labels.length; n++) {
      labels[n] = random.nextInt(c.classes());
    }
    return labels;
  }

  private SoftmaxCrossEntropyPlan plan(Case c) {
    return closeAfterTest(backend().softmaxCrossEntropy(device(), c.batch(), c.classes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardLossAndBackwardMatchReference(Case c) {
    float[] z = logits(c, "");
    int[] labels = labels(c, "");
    double[] zd = toDouble(z);
    SoftmaxCrossEntropyPlan plan = plan(c);
    Tensor p = plan.forward(upload(c.shape(), z));
    assertEquals(c.shape(), p.shape(), what("softmax output shape", c));
    float[] probabilities = download(p);
    assertClose(
        what("softmax forward", c),
        probabilities,
        ReferenceSoftmaxCrossEntropy.softmax(zd, c.batch(), c.classes()),
        c.shape(),
        Tolerances.FORWARD);
    double[] rowSums = new double[c.batch()];
    float[] actualSums = new float[c.batch()];
    for (int n = 0; n < c.batch(); n++) {
      rowSums[n] = 1;
      double sum = 0;
      for (int k = 0; k < c.classes(); k++) {
        sum += probabilities[n * c.classes() + k];
      }
      actualSums[n] = (float) sum;
    }
    assertClose(what("softmax row sums", c), actualSums, rowSums, Tolerances.FORWARD);
    assertClose(
        what("cross-entropy loss", c),
        new float[] {plan.loss(labels)},
        new double[] {ReferenceSoftmaxCrossEntropy.loss(zd, labels, c.batch(), c.classes())},
        Tolerances.FORWARD);
    Tensor gradient = plan.backward(labels);
    assertEquals(c.shape(), gradient.shape(), what("softmax cross-entropy gradient shape", c));
    assertClose(
        what("softmax cross-entropy backward", c),
        download(gradient),
        ReferenceSoftmaxCrossEntropy.gradient(zd, labels, c.batch(), c.classes()),
        c.shape(),
        Tolerances.LOCAL_GRADIENT);
  }

  /** Loss and backward refer to the last forward, in either order, with any labels. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void planIsReusable(Case c) {
    float[] first = logits(c, " first");
    float[] second = logits(c, " second");
    int[] labels = labels(c, " second");
    double[] zd = toDouble(second);
    SoftmaxCrossEntropyPlan plan = plan(c);
    plan.forward(upload(c.shape(), first));
    plan.loss(labels(c, " first"));
    Tensor p = plan.forward(upload(c.shape(), second));
    assertClose(
        what("softmax second forward", c),
        download(p),
        ReferenceSoftmaxCrossEntropy.softmax(zd, c.batch(), c.classes()),
        c.shape(),
        Tolerances.FORWARD);
    assertClose(
        what("softmax cross-entropy backward after a second forward", c),
        download(plan.backward(labels)),
        ReferenceSoftmaxCrossEntropy.gradient(zd, labels, c.batch(), c.classes()),
        c.shape(),
        Tolerances.LOCAL_GRADIENT);
    assertClose(
        what("cross-entropy loss after backward", c),
        new float[] {plan.loss(labels)},
        new double[] {ReferenceSoftmaxCrossEntropy.loss(zd, labels, c.batch(), c.classes())},
        Tolerances.FORWARD);
  }

  /**
   * Finite logits never give an infinite loss: a label whose logit lies far below its row's maximum
   * has a p that underflows float (exp(-150)), but -log p is 150, read from the log-sum-exp.
   */
  @Test
  void confidentlyWrongLogitsGiveALargeFiniteLoss() {
    Shape shape = Shape.of(3, 3);
    float[] z = {0, 150, -10, 200, 0, 0, -500, 500, 1};
    int[] labels = {0, 1, 0};
    SoftmaxCrossEntropyPlan plan = closeAfterTest(backend().softmaxCrossEntropy(device(), 3, 3));
    plan.forward(upload(shape, z));
    float loss = plan.loss(labels);
    assertTrue(Float.isFinite(loss), "loss of finite logits must be finite, got " + loss);
    assertClose(
        "cross-entropy loss of confidently wrong rows",
        new float[] {loss},
        new double[] {ReferenceSoftmaxCrossEntropy.loss(toDouble(z), labels, 3, 3)},
        Tolerances.FORWARD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallCases")
  void backwardMatchesFloatFiniteDifferencesOfTheLoss(Case c) {
    float[] z = logits(c, "");
    int[] labels = labels(c, "");
    SoftmaxCrossEntropyPlan plan = plan(c);
    Tensor input = upload(c.shape(), z);
    plan.forward(input);
    float[] gradient = download(plan.backward(labels));
    assertFloatFiniteDifferences(
        what("softmax cross-entropy backward vs float finite differences of the loss", c),
        z,
        sample(z.length, FINITE_DIFFERENCE_SAMPLES, c.name()),
        v -> {
          backend().upload(v, input);
          plan.forward(input);
          return plan.loss(labels);
        },
        gradient);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void referenceBackwardMatchesFiniteDifferences(Case c) {
    double[] z = toDouble(logits(c, ""));
    int[] labels = labels(c, "");
    FiniteDifferences.assertGradient(
        what("reference softmax cross-entropy gradient vs finite differences", c),
        v -> ReferenceSoftmaxCrossEntropy.loss(v, labels, c.batch(), c.classes()),
        z,
        ReferenceSoftmaxCrossEntropy.gradient(z, labels, c.batch(), c.classes()),
        FiniteDifferences.sample(z.length, 60, seed(c.name())),
        Tolerances.DOUBLE_STEP,
        Tolerances.REFERENCE_FINITE_DIFFERENCE);
  }
}
