package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;

import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.oracle.OracleAssertions;
import dev.alexnet4j.api.oracle.ReferenceSgd;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The paper's SGD step, v <- m v - wd lr w - lr g; w <- w + v, against {@link ReferenceSgd}, for
 * one and two steps, with the paper's hyperparameters and others.
 */
public abstract class SgdConformance extends BackendConformance {

  public record Case(String name, Shape shape, SgdHyperparameters hyperparameters) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    SgdHyperparameters paper = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);
    return Stream.of(
        new Case("7 weights, paper's lr 0.01 m 0.9 wd 0.0005", Shape.of(7), paper),
        new Case("conv2 weights 256x48x5x5, paper's", Shape.nchw(256, 48, 5, 5), paper),
        new Case(
            "3x5, lr 0.1 no momentum no decay",
            Shape.of(3, 5),
            new SgdHyperparameters(0.1f, 0f, 0f)),
        new Case(
            "4x4, lr 0.5 m 0.5 wd 0.1", Shape.of(4, 4), new SgdHyperparameters(0.5f, 0.5f, 0.1f)),
        new Case(
            "10, lr 0 (velocity decays only)",
            Shape.of(10),
            new SgdHyperparameters(0f, 0.9f, 0.0005f)));
  }

  /** One and then a second step, each against the reference from the same float state. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void twoStepsMatchReference(Case c) {
    SplittableRandom random = random(c.name());
    long size = c.shape().size();
    float[] w = uniform(random, size, -1, 1);
    float[] v = uniform(random, size, -0.1, 0.1);
    float[] g1 = uniform(random, size, -1, 1);
    float[] g2 = uniform(random, size, -1, 1);
    Tensor weight = upload(c.shape(), w);
    Tensor velocity = upload(c.shape(), v);
    Tensor gradient = upload(c.shape(), g1);
    SgdPlan plan = closeAfterTest(backend().sgd(device()));
    SgdHyperparameters h = c.hyperparameters();

    double[] wd = toDouble(w);
    double[] vd = toDouble(v);
    plan.update(weight, gradient, velocity, h);
    ReferenceSgd.update(wd, toDouble(g1), vd, h.learningRate(), h.momentum(), h.weightDecay());
    assertClose(
        what("SGD velocity after one step", c),
        download(velocity),
        vd,
        c.shape(),
        Tolerances.SGD_UPDATE);
    assertClose(
        what("SGD weight after one step", c),
        download(weight),
        wd,
        c.shape(),
        Tolerances.SGD_UPDATE);
    OracleAssertions.assertSameFloats(
        what("SGD gradient (must not change)", c), download(gradient), g1, c.shape());

    backend().upload(g2, gradient);
    plan.update(weight, gradient, velocity, h);
    ReferenceSgd.update(wd, toDouble(g2), vd, h.learningRate(), h.momentum(), h.weightDecay());
    assertClose(
        what("SGD velocity after two steps", c),
        download(velocity),
        vd,
        c.shape(),
        Tolerances.SGD_UPDATE);
    assertClose(
        what("SGD weight after two steps", c),
        download(weight),
        wd,
        c.shape(),
        Tolerances.SGD_UPDATE);
  }
}
