package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.alexnet.parallel.ParallelMode;
import dev.alexnet4j.alexnet.parallel.SplitStepBench;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.Sgd;
import dev.alexnet4j.api.train.TrainingSettings;
import dev.alexnet4j.augment.LoaderBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alexnet4j bench}: like {@code caffe time}, each layer's forward and backward time and the
 * training step's images/s, after warm-up, as medians with their spread.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Per-layer forward and backward times and training-step images/s of the configured model"
          + " (forward, loss, backward and the SGD update), median of timed iterations after"
          + " warm-up; inference images/s too. Random inputs; no data needed.",
      "--loader measures the data loader alone instead."
    })
final class BenchCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(names = "--model", description = "Model (alexnet4j.model); default from config.")
  String model;

  @Option(names = "--batch", defaultValue = "32", description = "Training batch (default 32).")
  int batch;

  @Option(
      names = "--inference-batch",
      defaultValue = "64",
      description = "Inference batch (default 64).")
  int inferenceBatch;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default 3).")
  int warmup;

  @Option(names = "--iterations", defaultValue = "10", description = "Timed steps (default 10).")
  int iterations;

  @Option(
      names = "--memory-steps",
      defaultValue = "0",
      description =
          "After timing, this many more training steps, reporting resident memory (RSS) every"
              + " tenth of them: growth means a leak (default 0: skip).")
  int memorySteps;

  @Option(names = "--json", description = "Print the results as one JSON object.")
  boolean json;

  @Option(names = "--loader", description = "Measure the data loader (synthetic JPEGs) instead.")
  boolean loader;

  @Option(
      names = "--loader-data",
      paramLabel = "DIR",
      description =
          "With --loader: measure this image folder (class/image files, e.g. prepare's"
              + " DEST/train) instead of generated JPEGs.")
  Path loaderData;

  @Option(
      names = "--loader-seconds",
      defaultValue = "10",
      paramLabel = "S",
      description = "With --loader: seconds per measurement (default 10).")
  double loaderSeconds;

  @Option(
      names = "--devices",
      split = ",",
      paramLabel = "N",
      description =
          "Device indices (alexnet4j.devices), e.g. 0,1 with --parallel model; on nd4j add"
              + " -Dalexnet4j.nd4j.virtual-devices=2.")
  int[] devices;

  @Option(
      names = "--parallel",
      paramLabel = "MODE",
      description =
          "How --devices share the work: model (the paper's split of every layer), data"
              + " (replicas, gradients averaged) or hybrid (conv data-, fc model-parallel).")
  String parallel;

  @Option(
      names = "--against-one-device",
      description =
          "With --devices over several devices: also time the first device alone, a step of each"
              + " in turn, and report the paired speed-up (drift of the machine cancels out).")
  boolean againstOneDevice;

  @Override
  public Integer call() throws Exception {
    if (devices != null && devices.length > 1 && parallel == null) {
      throw new UserError("--devices with more than one device needs --parallel model|data|hybrid");
    }
    if (againstOneDevice && parallel == null) {
      throw new UserError(
          "--against-one-device compares a shared network with one device: give --devices 0,1"
              + " --parallel model|data|hybrid");
    }
    if (warmup < 0 || iterations < 1 || batch < 1 || inferenceBatch < 1 || memorySteps < 0) {
      throw new UserError(
          "--warmup >= 0, --iterations >= 1, --memory-steps >= 0 and batch sizes >= 1, please");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (loaderData != null && !loader) {
      throw new UserError("--loader-data measures the loader: add --loader");
    }
    if (loader) {
      List<String> args =
          new ArrayList<>(
              List.of("--batch", Integer.toString(batch), "--seconds", "" + loaderSeconds));
      if (loaderData != null) {
        if (!Files.isDirectory(loaderData)) {
          throw new UserError(loaderData + ": not a folder of class/image files");
        }
        args.addAll(List.of("--data", loaderData.toString()));
      }
      LoaderBenchmark.main(args.toArray(String[]::new));
      return 0;
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    if (model != null) {
      typed.put("alexnet4j.model", model);
    }
    if (devices != null) {
      typed.put("alexnet4j.devices", Arrays.stream(devices).boxed().toList());
    }
    if (parallel != null) {
      typed.put("alexnet4j.parallel", parallel);
    }
    Config config = options.load(typed);
    try (Session session = Session.open(config)) {
      TrainingSettings settings = TrainingSettings.from(config);
      if (parallel != null) {
        benchParallel(out, config, session, settings);
        return 0;
      }
      Result train = timeTraining(session, settings);
      double[] inferenceSpread = timeInference(session);
      double inference = inferenceSpread[0];
      long peakRss = peakRssBytes();
      if (json) {
        out.println(
            train.json(
                config.getString("alexnet4j.model"),
                session,
                batch,
                inference,
                inferenceBatch,
                peakRss,
                train.memory));
      } else {
        train.print(out, config.getString("alexnet4j.model"), session, batch);
        out.printf(
            Locale.ROOT,
            "inference, batch %d: %.1f images/s (median; fastest %.1f, slowest %.1f)%n",
            inferenceBatch,
            inference,
            inferenceSpread[1],
            inferenceSpread[2]);
        if (peakRss > 0) {
          out.printf(Locale.ROOT, "peak resident memory: %.0f MiB%n", peakRss / 1048576.0);
        }
        train.memory.print(out, batch);
      }
    }
    return 0;
  }

  /**
   * Training steps over several devices: images/s and each device's waiting share; with {@code
   * --against-one-device}, also the one-device step, timed in turn with the shared one.
   */
  private void benchParallel(
      PrintWriter out, Config config, Session session, TrainingSettings settings) {
    List<Device> chosen = DeviceSettings.from(config).resolve(session.backend.devices());
    ParallelMode mode = session.parallel;
    SplitStepBench.Settings timing =
        new SplitStepBench.Settings(
            session.network,
            session.backend,
            batch,
            session.seed,
            new SgdHyperparameters(
                settings.learningRate(), settings.momentum(), settings.weightDecay()),
            warmup,
            iterations);
    if (againstOneDevice && chosen.size() < 2) {
      throw new UserError("--against-one-device needs --devices with at least two devices");
    }
    SplitStepBench.Comparison comparison =
        againstOneDevice ? SplitStepBench.compare(mode, chosen, timing) : null;
    SplitStepBench.Result r =
        comparison != null ? comparison.shared() : SplitStepBench.run(mode, chosen, timing);
    String modelName = config.getString("alexnet4j.model");
    if (json) {
      StringBuilder waits = new StringBuilder();
      r.waitingFraction()
          .forEach(
              (d, w) ->
                  waits
                      .append(waits.length() == 0 ? "" : ",")
                      .append(String.format(Locale.ROOT, "\"%s\":%.3f", d, w)));
      String versus = "";
      if (comparison != null) {
        double[] q = comparison.speedupQuartiles();
        versus =
            String.format(
                Locale.ROOT,
                ",\"one_device_train_images_per_second\":{\"median\":%.3f},"
                    + "\"speedup_over_one_device\":{\"median\":%.4f,\"q1\":%.4f,\"q3\":%.4f}",
                comparison.oneDevice().imagesPerSecond(),
                comparison.medianSpeedup(),
                q[0],
                q[1]);
      }
      out.printf(
          Locale.ROOT,
          "{\"model\":\"%s\",\"backend\":\"%s\",\"parallel\":\"%s\",\"devices\":\"%s\","
              + "\"batch\":%d,\"train_images_per_second\":{\"median\":%.3f},"
              + "\"waiting_fraction\":{%s}%s}%n",
          modelName,
          session.backend.name(),
          mode.name(),
          chosen,
          batch,
          r.imagesPerSecond(),
          waits,
          versus);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s on %s, %s-parallel over %s, batch %d, %d timed steps after warm-up%n",
        modelName,
        session.backend.name(),
        mode.name(),
        chosen,
        batch,
        iterations);
    out.printf(
        Locale.ROOT,
        "training step: %.1f images/s (median step %.1f ms)%n",
        r.imagesPerSecond(),
        r.medianStepSeconds() * 1000);
    r.waitingFraction()
        .forEach(
            (d, w) ->
                out.printf(
                    Locale.ROOT,
                    "%s waiting (exchange points and between passes): %.0f%% of the step%n",
                    d,
                    w * 100));
    if (comparison != null) {
      double[] q = comparison.speedupQuartiles();
      out.printf(
          Locale.ROOT,
          "%s alone, in turn with it: %.1f images/s (median step %.1f ms)%n",
          chosen.get(0),
          comparison.oneDevice().imagesPerSecond(),
          comparison.oneDevice().medianStepSeconds() * 1000);
      out.printf(
          Locale.ROOT,
          "speed-up over one device, paired steps: median %.3fx (quartiles %.3f-%.3f, %d pairs)%n",
          comparison.medianSpeedup(),
          q[0],
          q[1],
          iterations);
    }
  }

  private Result timeTraining(Session session, TrainingSettings settings) {
    Result result = new Result();
    Memory memory = result.memory;
    memory.beforeBuild = rssBytes("VmRSS:");
    try (Network net = session.build(batch);
        Sgd sgd = new Sgd(session.backend, net.parameters().values());
        Tensor input = randomInput(session, net)) {
      for (var p : net.parameters().values()) {
        memory.parameterBytes += p.shape().size() * Float.BYTES;
      }
      int[] labels = randomLabels(net);
      List<Layer> layers = net.layers();
      SgdHyperparameters hp =
          new SgdHyperparameters(
              settings.learningRate(), settings.momentum(), settings.weightDecay());
      int total = warmup + iterations + memorySteps;
      for (int it = 0; it < total; it++) {
        if (it == 1) {
          // After one whole step every plan has made its buffers and the native libraries
          // their workspaces.
          memory.afterFirstStep = rssBytes("VmRSS:");
        }
        if (it >= warmup + iterations
            && (it - warmup - iterations) % Math.max(1, memorySteps / 10) == 0) {
          memory.samples.add(new long[] {it, rssBytes("VmRSS:")});
        }
        boolean timed = it >= warmup && it < warmup + iterations;
        long stepStart = System.nanoTime();
        Tensor x = input;
        for (Layer layer : layers) {
          long t = System.nanoTime();
          x = layer.forward(x, Pass.training(session.seed, it));
          result.add(timed, layer.name(), true, System.nanoTime() - t);
        }
        long t = System.nanoTime();
        net.loss(labels);
        Tensor g =
            ((dev.alexnet4j.api.layer.LossLayer) layers.get(layers.size() - 1)).backward(labels);
        result.add(timed, layers.get(layers.size() - 1).name(), false, System.nanoTime() - t);
        for (int i = layers.size() - 2; i >= 0 && g != null; i--) {
          t = System.nanoTime();
          g = layers.get(i).backward(g);
          result.add(timed, layers.get(i).name(), false, System.nanoTime() - t);
        }
        t = System.nanoTime();
        sgd.step(hp);
        result.add(timed, "sgd-update", false, System.nanoTime() - t);
        if (timed) {
          result.steps.add((System.nanoTime() - stepStart) / 1e9);
        }
      }
      if (total == 1) {
        memory.afterFirstStep = rssBytes("VmRSS:");
      }
      if (memorySteps > 0) {
        memory.samples.add(new long[] {total, rssBytes("VmRSS:")});
      }
    }
    return result;
  }

  /** Inference images/s: median, fastest and slowest iteration. */
  private double[] timeInference(Session session) {
    List<Double> seconds = new ArrayList<>();
    try (Network net = session.build(inferenceBatch);
        Tensor input = randomInput(session, net)) {
      for (int it = 0; it < warmup + iterations; it++) {
        long start = System.nanoTime();
        net.forward(input, Pass.inference());
        if (it >= warmup) {
          seconds.add((System.nanoTime() - start) / 1e9);
        }
      }
    }
    double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new double[] {
      inferenceBatch / median(seconds),
      inferenceBatch / sorted[0],
      inferenceBatch / sorted[sorted.length - 1]
    };
  }

  private static Tensor randomInput(Session session, Network net) {
    float[] data = new float[Math.toIntExact(net.inputShape().size())];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return session.backend.upload(net.device(), net.inputShape(), data);
  }

  private static int[] randomLabels(Network net) {
    int classes = net.layers().get(net.layers().size() - 1).outputShape().channels();
    int[] labels = new int[net.inputShape().batch()];
    SplittableRandom random = new SplittableRandom(2);
    Arrays.setAll(labels, i -> random.nextInt(classes));
    return labels;
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Peak resident set size from /proc (Linux), or -1 where it is not available. */
  static long peakRssBytes() {
    return rssBytes("VmHWM:");
  }

  /** A /proc/self/status size field (VmRSS:, VmHWM:) in bytes, or -1 where there is none. */
  static long rssBytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Where a training run's resident memory goes. Weights, their gradients and the SGD momentum are
   * counted from the parameter shapes (float32 each); the rest of what building the network and its
   * first step added is activations, the plans' preallocated outputs and the native libraries'
   * workspaces.
   */
  static final class Memory {
    long beforeBuild = -1;
    long afterFirstStep = -1;
    long parameterBytes;

    /** {step, RSS bytes} sampled over --memory-steps. */
    final List<long[]> samples = new ArrayList<>();

    long activationsAndWorkspaces() {
      return afterFirstStep - beforeBuild - 3 * parameterBytes;
    }

    long growth() {
      return samples.size() < 2 ? 0 : samples.get(samples.size() - 1)[1] - samples.get(0)[1];
    }

    void print(PrintWriter out, int batch) {
      if (beforeBuild < 0 || afterFirstStep < 0) {
        return;
      }
      out.printf(
          Locale.ROOT,
          "memory, training batch %d (MiB): %.0f resident after the first step = %.0f before"
              + " building (JVM, native libraries) + %.0f weights + %.0f gradients + %.0f"
              + " momentum + %.0f activations, plan buffers and workspaces%n",
          batch,
          mib(afterFirstStep),
          mib(beforeBuild),
          mib(parameterBytes),
          mib(parameterBytes),
          mib(parameterBytes),
          mib(activationsAndWorkspaces()));
      if (samples.size() >= 2) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : samples) {
          sb.append(String.format(Locale.ROOT, " %d:%.0f", s[0], mib(s[1])));
        }
        out.printf(
            Locale.ROOT,
            "resident memory over %d more steps (step:MiB):%s; growth %+.1f MiB%n",
            samples.get(samples.size() - 1)[0] - samples.get(0)[0],
            sb,
            mib(growth()));
      }
    }

    String json() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "{\"before_build_bytes\":%d,\"after_first_step_bytes\":%d,"
                  + "\"weights_bytes\":%d,\"gradients_bytes\":%d,\"momentum_bytes\":%d,"
                  + "\"activations_and_workspaces_bytes\":%d,\"growth_bytes\":%d,\"samples\":[",
              beforeBuild,
              afterFirstStep,
              parameterBytes,
              parameterBytes,
              parameterBytes,
              activationsAndWorkspaces(),
              growth()));
      for (int i = 0; i < samples.size(); i++) {
        sb.append(i == 0 ? "" : ",")
            .append(String.format(Locale.ROOT, "[%d,%d]", samples.get(i)[0], samples.get(i)[1]));
      }
      return sb.append("]}").toString();
    }

    private static double mib(long bytes) {
      return bytes / 1048576.0;
    }
  }

  /** Times per layer and direction, and whole steps. */
  private static final class Result {
    final Map<String, List<Double>> forward = new LinkedHashMap<>();
    final Map<String, List<Double>> backward = new LinkedHashMap<>();
    final List<Double> steps = new ArrayList<>();
    final Memory memory = new Memory();

    void add(boolean timed, String layer, boolean isForward, long nanos) {
      Map<String, List<Double>> m = isForward ? forward : backward;
      List<Double> list = m.computeIfAbsent(layer, k -> new ArrayList<>());
      if (timed) {
        list.add(nanos / 1e6);
      }
    }

    private double stat(Map<String, List<Double>> m, String layer) {
      List<Double> v = m.get(layer);
      return v == null || v.isEmpty() ? 0 : median(v);
    }

    void print(PrintWriter out, String model, Session session, int batch) {
      out.printf(
          Locale.ROOT,
          "%s on %s, batch %d, %d timed steps after warm-up (median ms)%n",
          model,
          session.backend.name(),
          batch,
          steps.size());
      out.printf(Locale.ROOT, "%-22s %10s %10s%n", "layer", "forward", "backward");
      List<String> names = new ArrayList<>(forward.keySet());
      backward.keySet().stream().filter(k -> !names.contains(k)).forEach(names::add);
      double totalF = 0;
      double totalB = 0;
      for (String name : names) {
        double f = stat(forward, name);
        double b = stat(backward, name);
        totalF += f;
        totalB += b;
        out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", name, f, b);
      }
      out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", "sum of medians", totalF, totalB);
      double[] sorted = steps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      out.printf(
          Locale.ROOT,
          "training step: %.1f images/s (median; fastest %.1f, slowest %.1f)%n",
          batch / median(steps),
          batch / sorted[0],
          batch / sorted[sorted.length - 1]);
    }

    String json(
        String model,
        Session session,
        int batch,
        double inference,
        int inferenceBatch,
        long rss,
        Memory memory) {
      StringBuilder sb = new StringBuilder("{");
      sb.append("\"model\":\"")
          .append(model)
          .append("\",\"backend\":\"")
          .append(session.backend.name())
          .append("\",\"batch\":")
          .append(batch);
      double[] sorted = steps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      sb.append(
          String.format(
              Locale.ROOT,
              ",\"train_images_per_second\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f}",
              batch / median(steps),
              batch / sorted[sorted.length - 1],
              batch / sorted[0]));
      sb.append(
          String.format(
              Locale.ROOT,
              ",\"inference_batch\":%d,\"inference_images_per_second\":%.3f,\"peak_rss_bytes\":%d",
              inferenceBatch,
              inference,
              rss));
      sb.append(",\"memory\":").append(memory.json());
      sb.append(",\"layers\":[");
      List<String> names = new ArrayList<>(forward.keySet());
      backward.keySet().stream().filter(k -> !names.contains(k)).forEach(names::add);
      for (int i = 0; i < names.size(); i++) {
        sb.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"name\":\"%s\",\"forward_ms\":%.3f,\"backward_ms\":%.3f}",
                    names.get(i),
                    stat(forward, names.get(i)),
                    stat(backward, names.get(i))));
      }
      return sb.append("]}").toString();
    }
  }
}
