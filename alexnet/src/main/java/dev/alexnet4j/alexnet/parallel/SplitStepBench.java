package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times training steps (forward, loss, backward, SGD update, with the batch coming from and the
 * probabilities going to the host, as in training) of a network shared over devices in one of the
 * {@link ParallelMode}s, on random data: the median images/s, and per device the median share of
 * the step it spent waiting (at exchange points or for the caller).
 */
public final class SplitStepBench {
  private SplitStepBench() {}

  /**
   * @param waitingFraction per device, median of (step time - busy time) / step time; empty for one
   *     device
   */
  public record Result(
      int batch,
      double imagesPerSecond,
      double medianStepSeconds,
      Map<Device, Double> waitingFraction) {}

  public static Result run(
      ParallelMode mode,
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      long seed,
      SgdHyperparameters hyperparameters,
      int warmup,
      int iterations) {
    DeviceClock clock = new DeviceClock();
    try (TrainableNetwork net = mode.build(spec, backend, devices, batch, seed, clock)) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] data = new float[Math.toIntExact(net.inputShape().size())];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextDouble() * 2 - 1);
      }
      int classes = net.classes();
      int[] labels = new int[batch];
      Arrays.setAll(labels, i -> random.nextInt(classes));
      double[] steps = new double[iterations];
      Map<Device, double[]> waits = new LinkedHashMap<>();
      devices.forEach(d -> waits.put(d, new double[iterations]));
      for (int it = 0; it < warmup + iterations; it++) {
        clock.reset();
        long start = System.nanoTime();
        net.forward(data, Pass.training(seed, it));
        net.loss(labels);
        net.backward(labels);
        net.update(hyperparameters);
        long wall = System.nanoTime() - start;
        if (it >= warmup) {
          steps[it - warmup] = wall / 1e9;
          for (Device d : devices) {
            waits.get(d)[it - warmup] = 1.0 - (double) clock.busyNanos(d) / wall;
          }
        }
      }
      Map<Device, Double> waiting = new LinkedHashMap<>();
      if (devices.size() > 1) {
        // One device runs on the caller's thread: there are no towers to wait.
        waits.forEach((d, w) -> waiting.put(d, median(w)));
      }
      double step = median(steps);
      return new Result(batch, batch / step, step, waiting);
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
