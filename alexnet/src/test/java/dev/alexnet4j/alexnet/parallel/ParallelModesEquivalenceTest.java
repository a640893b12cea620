package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way of sharing two devices (model, data, hybrid) trains exactly like one device: from the
 * same weights and batches, the same probabilities and loss in eval and train mode (dropout on),
 * and the same updated weights and momentum after every step, to 1e-4 of each tensor's scale (only
 * the order of float sums differs: gradients summed over devices).
 */
class ParallelModesEquivalenceTest {
  private static final double TOLERANCE = 1e-4;
  private static final long SEED = 11;
  private static final SgdHyperparameters SGD = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"model", "data", "hybrid"})
  void alexnetSmallOverThreeTrainingSteps(String mode) {
    compare(ParallelModes.named(mode), "alexnet-small", 8, 3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"data", "hybrid"})
  void alexnetRealShapesForOneTrainingStep(String mode) {
    compare(ParallelModes.named(mode), "alexnet", 2, 1);
  }

  private static void compare(ParallelMode mode, String model, int batch, int steps) {
    Injector injector = SplitFixture.injector(SplitFixture.config(model, ""));
    NetworkSpec spec = SplitFixture.spec(injector);
    try (Backend backend = SplitFixture.backend(injector)) {
      List<Device> two = backend.devices().subList(0, 2);
      try (TrainableNetwork single =
              mode.build(spec, backend, two.subList(0, 1), batch, SEED, StageObserver.NONE);
          TrainableNetwork shared =
              mode.build(spec, backend, two, batch, SEED, StageObserver.NONE)) {
        assertEquals(single.inputShape(), shared.inputShape());
        assertAllClose(mode + " initial weights", single.parameters(), shared.parameters(), 0.0);
        double worst = 0;
        for (int step = 0; step < steps; step++) {
          float[] images =
              SplitFixture.gaussian(Math.toIntExact(single.inputShape().size()), SEED + step, 50);
          int[] labels = SplitFixture.labels(batch, single.classes(), SEED + step);
          String at = mode + " " + model + " step " + step;
          for (Pass pass : List.of(Pass.inference(), Pass.training(SEED, step))) {
            String what = at + (pass.training() ? " train" : " eval");
            SplitFixture.assertClose(
                what + " probabilities",
                single.forward(images, pass),
                shared.forward(images, pass),
                TOLERANCE);
            float expected = single.loss(labels);
            float actual = shared.loss(labels);
            assertTrue(
                Math.abs(expected - actual) <= TOLERANCE * Math.max(1, Math.abs(expected)),
                what + " loss: " + actual + " against one device's " + expected);
          }
          single.backward(labels);
          shared.backward(labels);
          single.update(SGD);
          shared.update(SGD);
          worst =
              Math.max(
                  worst,
                  assertAllClose(
                      at + " updated weights",
                      single.parameters(),
                      shared.parameters(),
                      TOLERANCE));
          worst =
              Math.max(
                  worst,
                  assertAllClose(
                      at + " momentum", single.velocities(), shared.velocities(), TOLERANCE));
        }
        System.out.printf(
            "%s %s, batch %d, %d steps: worst weight/momentum error %.3g of scale%n",
            mode, model, batch, steps, worst);
      }
    }
  }

  private static double assertAllClose(
      String what, Map<String, NpyArray> expected, Map<String, NpyArray> actual, double tolerance) {
    return SplitFixture.assertAllClose(what, data(expected), data(actual), tolerance);
  }

  private static Map<String, float[]> data(Map<String, NpyArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((name, a) -> out.put(name, a.data()));
    return out;
  }
}
