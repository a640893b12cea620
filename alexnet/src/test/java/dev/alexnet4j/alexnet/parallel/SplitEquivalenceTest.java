package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.Sgd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The split run (devices [0, 1]) and the single-device grouped run, from the same weights and
 * input, give the same logits, loss, parameter gradients and updated weights (docs/ARCHITECTURE.md,
 * "Model parallelism"), in eval mode and in train mode (dropout masks are keyed by the unit's index
 * in the whole layer, so both runs drop the same units).
 *
 * <p>Tolerance: 1e-4 of each tensor's scale (max(1, max |value|)). The split computes every output
 * with the same dot products; only the input gradient of a full layer is summed in another order (a
 * sum of per-device partials), which moves the last bits of the gradients below it.
 */
class SplitEquivalenceTest {
  private static final double TOLERANCE = 1e-4;
  private static final long SEED = 7;
  private static final SgdHyperparameters SGD = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);

  @Test
  void alexnetSmallMatchesTheSingleDeviceRunOverSeveralTrainingSteps() {
    compare("alexnet-small", 8, 3);
  }

  @Test
  void alexnetRealShapesMatchTheSingleDeviceRunForOneTrainingStep() {
    compare("alexnet", 1, 1);
  }

  /**
   * An LRN with groups = 1 after a split conv: windows near the cut need the other device's
   * channels, so each device normalises the gathered whole (the split's slow path, kept exact).
   */
  @Test
  void anLrnAcrossTheSplitMatchesTheSingleDeviceRun() {
    compare(
        "cross",
        4,
        2,
        """
        alexnet4j.models.cross {
          input = [3, 12, 12]
          layers = [
            { name = conv1, type = conv, filters = 8, kernel = 3, padding = 1, weight-std = 0.05 }
            { name = relu1, type = relu }
            { name = lrn1, type = lrn, alpha = 0.01 }
            { name = pool1, type = maxpool }
            { name = conv2, type = conv, filters = 8, kernel = 3, groups = 2, weight-std = 0.1 }
            { name = flatten, type = flatten }
            { name = fc3, type = dense, units = 6, weight-std = 0.1 }
            { name = drop3, type = dropout }
            { name = fc4, type = dense, units = 4, weight-std = 0.1 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
        """);
  }

  private static void compare(String model, int batch, int steps) {
    compare(model, batch, steps, "");
  }

  private static void compare(String model, int batch, int steps, String extra) {
    Injector injector = SplitFixture.injector(SplitFixture.config(model, extra));
    NetworkSpec spec = SplitFixture.spec(injector);
    try (Backend backend = SplitFixture.backend(injector)) {
      List<Device> devices = backend.devices().subList(0, 2);
      try (Network single = spec.build(backend, devices.get(0), batch, SEED);
          Sgd singleSgd = new Sgd(backend, single.parameters().values());
          ModelParallelNetwork split =
              ModelParallelNetwork.build(spec, backend, devices, batch, SEED, StageObserver.NONE);
          ModelParallelSgd splitSgd = new ModelParallelSgd(backend, split)) {
        assertEquals(
            0.0,
            SplitFixture.assertAllClose(
                "initial weights",
                whole(backend, single, Parameter::value),
                split.downloadParameters(),
                0.0),
            "the split starts from the unsplit network's weights, bit for bit");
        double worst = 0;
        for (int step = 0; step < steps; step++) {
          float[] data =
              SplitFixture.gaussian(Math.toIntExact(split.inputShape().size()), SEED + step, 50.0);
          int[] labels = SplitFixture.labels(batch, classOf(single), SEED + step);
          try (Tensor x = backend.upload(devices.get(0), split.inputShape(), data)) {
            // Eval mode: logits and loss.
            forwardAndCompare(backend, single, split, x, Pass.inference(), labels, model);
            // Train mode: logits, loss, gradients, updated weights.
            forwardAndCompare(backend, single, split, x, Pass.training(SEED, step), labels, model);
            single.backward(labels);
            split.backward(labels);
            worst =
                Math.max(
                    worst,
                    SplitFixture.assertAllClose(
                        model + " step " + step + " gradient",
                        whole(backend, single, Parameter::gradient),
                        split.downloadGradients(),
                        TOLERANCE));
            singleSgd.step(SGD);
            splitSgd.step(SGD);
            worst =
                Math.max(
                    worst,
                    SplitFixture.assertAllClose(
                        model + " step " + step + " updated weights",
                        whole(backend, single, Parameter::value),
                        split.downloadParameters(),
                        TOLERANCE));
            Map<String, float[]> singleVelocities = new LinkedHashMap<>();
            single
                .parameters()
                .forEach(
                    (name, p) ->
                        singleVelocities.put(name, backend.download(singleSgd.velocity(p))));
            worst =
                Math.max(
                    worst,
                    SplitFixture.assertAllClose(
                        model + " step " + step + " velocities",
                        singleVelocities,
                        splitSgd.downloadVelocities(),
                        TOLERANCE));
          }
        }
        // A checkpoint's velocities load into a fresh optimizer on the split, slice by slice.
        Map<String, float[]> velocities = new LinkedHashMap<>();
        single
            .parameters()
            .forEach((name, p) -> velocities.put(name, backend.download(singleSgd.velocity(p))));
        try (ModelParallelSgd resumed = new ModelParallelSgd(backend, split)) {
          resumed.uploadVelocities(velocities);
          SplitFixture.assertAllClose(
              "velocities restored", velocities, resumed.downloadVelocities(), 0.0);
        }
        // Evidence for the record: how far below the tolerance the split stays.
        System.out.printf(
            "%s, batch %d, %d steps: worst gradient/weight error %.3g of scale%n",
            model, batch, steps, worst);
      }
    }
  }

  private static void forwardAndCompare(
      Backend backend,
      Network single,
      ModelParallelNetwork split,
      Tensor x,
      Pass pass,
      int[] labels,
      String model) {
    String what = model + (pass.training() ? " train" : " eval") + " step " + pass.step();
    float[] expectedProbabilities = backend.download(single.forward(x, pass));
    float[] expectedLogits = backend.download(single.lastOutput(single.layers().size() - 2));
    float[] probabilities = backend.download(split.forward(x, pass));
    SplitFixture.assertClose(
        what + " logits", expectedLogits, backend.download(split.logits()), TOLERANCE);
    SplitFixture.assertClose(
        what + " probabilities", expectedProbabilities, probabilities, TOLERANCE);
    float expectedLoss = single.loss(labels);
    float loss = split.loss(labels);
    assertTrue(
        Math.abs(expectedLoss - loss) <= TOLERANCE * Math.max(1, Math.abs(expectedLoss)),
        what + " loss: split " + loss + ", single device " + expectedLoss);
  }

  private static int classOf(Network single) {
    return single.layers().get(single.layers().size() - 1).outputShape().channels();
  }

  static Map<String, float[]> whole(
      Backend backend, Network single, Function<Parameter, Tensor> which) {
    Map<String, float[]> out = new LinkedHashMap<>();
    single.parameters().forEach((name, p) -> out.put(name, backend.download(which.apply(p))));
    return out;
  }
}
