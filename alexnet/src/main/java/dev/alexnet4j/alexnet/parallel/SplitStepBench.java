package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times training steps (forward, loss, backward, SGD update) of a split network on random data: the
 * median images/s, and per device the median share of the step it spent waiting (at exchange points
 * or for the caller).
 */
public final class SplitStepBench {
  private SplitStepBench() {}

  /**
   * @param waitingFraction per device, median of (step time - busy time) / step time
   */
  public record Result(
      int batch,
      double imagesPerSecond,
      double medianStepSeconds,
      Map<Device, Double> waitingFraction) {}

  public static Result run(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      long seed,
      SgdHyperparameters hyperparameters,
      int warmup,
      int iterations) {
    DeviceClock clock = new DeviceClock();
    try (ModelParallelNetwork net =
            ModelParallelNetwork.build(spec, backend, devices, batch, seed, clock);
        ModelParallelSgd sgd = new ModelParallelSgd(backend, net)) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] data = new float[Math.toIntExact(net.inputShape().size())];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextDouble() * 2 - 1);
      }
      int classes = classes(spec);
      int[] labels = new int[batch];
      Arrays.setAll(labels, i -> random.nextInt(classes));
      double[] steps = new double[iterations];
      Map<Device, double[]> waits = new LinkedHashMap<>();
      devices.forEach(d -> waits.put(d, new double[iterations]));
      try (Tensor x = backend.upload(devices.get(0), net.inputShape(), data)) {
        for (int it = 0; it < warmup + iterations; it++) {
          clock.reset();
          long start = System.nanoTime();
          net.forward(x, Pass.training(seed, it));
          net.loss(labels);
          net.backward(labels);
          sgd.step(hyperparameters);
          long wall = System.nanoTime() - start;
          if (it >= warmup) {
            steps[it - warmup] = wall / 1e9;
            for (Device d : devices) {
              waits.get(d)[it - warmup] = 1.0 - (double) clock.busyNanos(d) / wall;
            }
          }
        }
      }
      Map<Device, Double> waiting = new LinkedHashMap<>();
      waits.forEach((d, w) -> waiting.put(d, median(w)));
      double step = median(steps);
      return new Result(batch, batch / step, step, waiting);
    }
  }

  /** The width of the network's output: a loss keeps its logits' shape. */
  private static int classes(NetworkSpec spec) {
    Shape shape = spec.input().batchOf(1);
    for (LayerSpec layer : spec.layers()) {
      shape = layer.outputShape(shape);
    }
    return shape.channels();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
