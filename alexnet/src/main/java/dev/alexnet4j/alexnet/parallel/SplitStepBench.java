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
 *
 * <p>{@link #compare} also times the same network on the first device alone, step by step in turn
 * with the shared one. On machines whose speed drifts by more than the difference being measured
 * (small cloud VMs drift by 10-40% between runs), only such paired steps say which is faster.
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

  /**
   * The shared network against one device, timed in alternate steps.
   *
   * @param shared the network over all the devices
   * @param oneDevice the same network on the first device alone
   * @param speedups per pair of steps, the one-device step time over the shared step time (above 1:
   *     sharing is faster), sorted
   */
  public record Comparison(Result shared, Result oneDevice, double[] speedups) {
    public double medianSpeedup() {
      return median(speedups);
    }

    /** The lower and upper quartile of the speedups. */
    public double[] speedupQuartiles() {
      return new double[] {quantile(speedups, 0.25), quantile(speedups, 0.75)};
    }
  }

  /** The settings of a timing run. */
  public record Settings(
      NetworkSpec spec,
      Backend backend,
      int batch,
      long seed,
      SgdHyperparameters hyperparameters,
      int warmup,
      int iterations) {}

  public static Result run(ParallelMode mode, List<Device> devices, Settings settings) {
    try (Timed shared = new Timed(mode, devices, settings)) {
      for (int it = 0; it < settings.warmup() + settings.iterations(); it++) {
        shared.step(it);
      }
      return shared.result();
    }
  }

  /**
   * Times {@code mode} over {@code devices} and the one-device network in turn, each step of one
   * followed by a step of the other, the order swapped every pair so that neither always runs
   * first.
   */
  public static Comparison compare(ParallelMode mode, List<Device> devices, Settings settings) {
    if (devices.size() < 2) {
      throw new IllegalArgumentException(
          "compare needs at least two devices to set against one, got " + devices);
    }
    try (Timed shared = new Timed(mode, devices, settings);
        Timed one = new Timed(mode, List.of(devices.get(0)), settings)) {
      for (int it = 0; it < settings.warmup() + settings.iterations(); it++) {
        if (it % 2 == 0) {
          shared.step(it);
          one.step(it);
        } else {
          one.step(it);
          shared.step(it);
        }
      }
      double[] speedups = new double[settings.iterations()];
      Arrays.setAll(speedups, i -> one.steps[i] / shared.steps[i]);
      Arrays.sort(speedups);
      return new Comparison(shared.result(), one.result(), speedups);
    }
  }

  /** One network under timing: its data, and the times of its steps after warm-up. */
  private static final class Timed implements AutoCloseable {
    private final Settings settings;
    private final List<Device> devices;
    private final DeviceClock clock = new DeviceClock();
    private final TrainableNetwork net;
    private final float[] data;
    private final int[] labels;
    private final double[] steps;
    private final Map<Device, double[]> waits = new LinkedHashMap<>();

    Timed(ParallelMode mode, List<Device> devices, Settings settings) {
      this.settings = settings;
      this.devices = devices;
      this.net =
          mode.build(
              settings.spec(),
              settings.backend(),
              devices,
              settings.batch(),
              settings.seed(),
              clock);
      SplittableRandom random = new SplittableRandom(settings.seed());
      data = new float[Math.toIntExact(net.inputShape().size())];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextDouble() * 2 - 1);
      }
      int classes = net.classes();
      labels = new int[settings.batch()];
      Arrays.setAll(labels, i -> random.nextInt(classes));
      steps = new double[settings.iterations()];
      devices.forEach(d -> waits.put(d, new double[settings.iterations()]));
    }

    void step(int it) {
      clock.reset();
      long start = System.nanoTime();
      net.forward(data, Pass.training(settings.seed(), it));
      net.loss(labels);
      net.backward(labels);
      net.update(settings.hyperparameters());
      long wall = System.nanoTime() - start;
      int timed = it - settings.warmup();
      if (timed >= 0) {
        steps[timed] = wall / 1e9;
        for (Device d : devices) {
          waits.get(d)[timed] = 1.0 - (double) clock.busyNanos(d) / wall;
        }
      }
    }

    Result result() {
      Map<Device, Double> waiting = new LinkedHashMap<>();
      if (devices.size() > 1) {
        // One device runs on the caller's thread: there are no towers to wait.
        waits.forEach((d, w) -> waiting.put(d, median(w)));
      }
      double step = median(steps);
      return new Result(settings.batch(), settings.batch() / step, step, waiting);
    }

    @Override
    public void close() {
      net.close();
    }
  }

  private static double median(double[] values) {
    return quantile(values, 0.5);
  }

  /** Linear interpolation between the closest ranks. */
  private static double quantile(double[] values, double q) {
    double[] v = values.clone();
    Arrays.sort(v);
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, v.length - 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
