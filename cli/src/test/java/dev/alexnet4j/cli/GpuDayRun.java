package dev.alexnet4j.cli;

import com.google.inject.Injector;
import dev.alexnet4j.alexnet.parallel.ModelParallelMode;
import dev.alexnet4j.alexnet.parallel.SplitStepBench;
import dev.alexnet4j.alexnet.parallel.StageObserver;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.backend.cudnn.StreamsAsDevices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * The device half of the GPU day ({@code gpu-day.sh} runs each part in its own JVM, under its own
 * time limit): no ND4J here, only the cuDNN backend and the reference file {@link GpuDayReference}
 * wrote at bundle time.
 *
 * <pre>
 *   GpuDayRun PART REFERENCE full|dry REPORT_DIR
 * </pre>
 *
 * <ul>
 *   <li>{@code match}: step 0 of the workload on cuDNN against ND4J: probabilities, loss, every
 *       layer's output and every gradient, on the model's real shapes ({@code
 *       CudnnMatchesNd4jTest}'s check, which the bundle cannot carry);
 *   <li>{@code train}: every step of the reference, the loss compared step by step, the weights at
 *       the first, middle and last step;
 *   <li>{@code bench}: {@code alexnet4j bench} on cuDNN, per layer (full: batch 128);
 *   <li>{@code split}: the paper's two-tower (model-parallel) split on two GPUs, or on two streams
 *       of one ({@link StreamsAsDevices}) when one is visible: its losses against the reference,
 *       then its step time against one device, in paired steps.
 * </ul>
 *
 * <p>The last line is {@code RESULT part=P status=PASS|FAIL summary=...}; the exit status is 0 on
 * PASS. In {@code dry} mode (the emulated CUDA stack) no timing is reported.
 */
public final class GpuDayRun {
  static final int BENCH_BATCH = 128;
  static final int SPLIT_STEPS = 20;

  private GpuDayRun() {}

  public static void main(String[] args) throws Exception {
    String part = args[0];
    GpuDay.Reference reference = GpuDay.read(Path.of(args[1]));
    boolean dry = args[2].equals("dry");
    Path report = Path.of(args[3]);
    Files.createDirectories(report);
    System.setProperty("java.awt.headless", "true");
    String summary;
    boolean ok;
    try {
      String[] result =
          switch (part) {
            case "match" -> match(reference);
            case "train" -> train(reference, dry);
            case "bench" -> bench(reference, dry, report);
            case "split" -> split(reference, dry);
            default -> throw new IllegalArgumentException("no part " + part);
          };
      ok = result[0].equals("PASS");
      summary = result[1];
    } catch (Throwable e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      System.out.println(trace);
      ok = false;
      summary = "error: " + e;
    }
    System.out.println(
        "RESULT part=" + part + " status=" + (ok ? "PASS" : "FAIL") + " summary=" + summary);
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  /** The backend of the config (alexnet4j.devices = [0]): the cuDNN backend on GPU 0 only. */
  private static Injector cudnn(GpuDay.Workload w, String extra) {
    return GpuDay.injector(w.config("cudnn", extra));
  }

  private static String[] match(GpuDay.Reference reference) {
    GpuDay.Workload w = reference.workload();
    Injector injector = cudnn(w, "");
    NetworkSpec spec = GpuDay.spec(injector);
    Map<String, float[]> actual;
    try (Backend backend = injector.getInstance(Backend.class);
        SingleDeviceNetwork net = single(spec, backend, w)) {
      actual = GpuDay.train(net, net.network(), backend, w, 1, false, null);
    }
    List<GpuDay.Difference> diffs = new ArrayList<>();
    for (Map.Entry<String, float[]> e : reference.records().entrySet()) {
      if (e.getKey().startsWith("match/")) {
        diffs.add(
            GpuDay.compare(
                e.getKey().substring(6),
                e.getValue(),
                actual.get(e.getKey()),
                GpuDay.MATCH_TOLERANCE));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s on %s shapes (input %s x %d), step 0, cudnn vs nd4j, error relative to each"
            + " record's largest |value|:%n",
        w.model(),
        w.model(),
        spec.input(),
        w.batch());
    diffs.forEach(d -> System.out.println("  " + d));
    long bad = diffs.stream().filter(d -> !d.ok()).count();
    GpuDay.Difference worst =
        diffs.stream().max(Comparator.comparingDouble(GpuDay.Difference::worst)).orElseThrow();
    return new String[] {
      diffs.isEmpty() || bad > 0 ? "FAIL" : "PASS",
      String.format(
          Locale.ROOT,
          "%d records (probabilities, loss, %d layer outputs, gradients), %d over %.0e; worst"
              + " %.1e (%s)",
          diffs.size(),
          diffs.stream().filter(d -> d.name().startsWith("output/")).count(),
          bad,
          GpuDay.MATCH_TOLERANCE,
          worst.worst(),
          worst.name())
    };
  }

  private static String[] train(GpuDay.Reference reference, boolean dry) {
    GpuDay.Workload w = reference.workload();
    Injector injector = cudnn(w, "");
    NetworkSpec spec = GpuDay.spec(injector);
    float[] expected = reference.records().get("train/loss");
    List<Double> stepMs = new ArrayList<>();
    Map<String, float[]> actual;
    int every = Math.max(1, w.steps() / 20);
    System.out.printf(
        Locale.ROOT,
        "%s, batch %d, %d steps from seed %d, loss per step: cudnn vs nd4j (tolerance %.0e x"
            + " max(1, |nd4j|))%n",
        w.model(),
        w.batch(),
        w.steps(),
        GpuDay.SEED,
        GpuDay.LOSS_TOLERANCE);
    try (Backend backend = injector.getInstance(Backend.class);
        SingleDeviceNetwork net = single(spec, backend, w)) {
      actual =
          GpuDay.train(
              net,
              null,
              backend,
              w,
              w.steps(),
              true,
              (step, loss, nanos) -> {
                stepMs.add(nanos / 1e6);
                if (step == 1 || step % every == 0 || step == w.steps()) {
                  float e = expected[step - 1];
                  System.out.printf(
                      Locale.ROOT,
                      "  step %4d  cudnn %.6f  nd4j %.6f  diff %+.2e%n",
                      step,
                      loss,
                      e,
                      loss - e);
                }
              });
    }
    List<GpuDay.Difference> losses =
        GpuDay.compareLosses(expected, actual.get("train/loss"), w.steps());
    GpuDay.Difference firstBad = losses.stream().filter(d -> !d.ok()).findFirst().orElse(null);
    double worstLoss = losses.stream().mapToDouble(GpuDay.Difference::worst).max().orElse(0);
    List<GpuDay.Difference> weights = new ArrayList<>();
    for (Map.Entry<String, float[]> e : reference.records().entrySet()) {
      if (e.getKey().startsWith("train/weights@")) {
        weights.add(
            GpuDay.compare(
                e.getKey().substring(6),
                e.getValue(),
                actual.get(e.getKey()),
                GpuDay.WEIGHT_TOLERANCE));
      }
    }
    long badWeights = weights.stream().filter(d -> !d.ok()).count();
    double worstWeight = weights.stream().mapToDouble(GpuDay.Difference::worst).max().orElse(0);
    weights.stream().filter(d -> !d.ok()).forEach(d -> System.out.println("  " + d));
    if (firstBad != null) {
      System.out.println("  first step over tolerance: " + firstBad);
    }
    double[] ms = stepMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    String timing =
        dry
            ? "emulated: no timing reported"
            : String.format(
                Locale.ROOT,
                "median step %.1f ms (%.0f images/s, host transfers included)",
                ms[ms.length / 2],
                w.batch() / (ms[ms.length / 2] / 1000));
    boolean ok = firstBad == null && badWeights == 0 && !weights.isEmpty();
    return new String[] {
      ok ? "PASS" : "FAIL",
      String.format(
          Locale.ROOT,
          "%d steps, loss %.4f -> %.4f (nd4j %.4f -> %.4f), worst loss diff %.1e (tol %.0e)%s;"
              + " %d weight samples, worst %.1e (tol %.0e); %s",
          w.steps(),
          actual.get("train/loss")[0],
          actual.get("train/loss")[w.steps() - 1],
          expected[0],
          expected[w.steps() - 1],
          worstLoss,
          GpuDay.LOSS_TOLERANCE,
          firstBad == null ? "" : ", first over at " + firstBad.name(),
          weights.size(),
          worstWeight,
          GpuDay.WEIGHT_TOLERANCE,
          timing)
    };
  }

  private static String[] bench(GpuDay.Reference reference, boolean dry, Path report)
      throws Exception {
    GpuDay.Workload w = reference.workload();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--backend",
                "cudnn",
                "--model",
                dry ? w.model() : "alexnet",
                "--seed",
                Long.toString(GpuDay.SEED)));
    if (dry) {
      args.addAll(
          List.of("--batch", "2", "--inference-batch", "2", "--warmup", "0", "--iterations", "1"));
    } else {
      args.addAll(
          List.of(
              "--batch",
              Integer.toString(BENCH_BATCH),
              "--inference-batch",
              Integer.toString(BENCH_BATCH),
              "--warmup",
              "3",
              "--iterations",
              "10"));
    }
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setOut(out);
    cli.setErr(out);
    cli.setExecutionExceptionHandler((e, c, p) -> Main.report(e, c.getErr()));
    System.out.println("alexnet4j bench " + String.join(" ", args));
    int rc = cli.execute(args.toArray(String[]::new));
    out.flush();
    Files.writeString(report.resolve("bench.txt"), text.toString(), StandardCharsets.UTF_8);
    List<String> lines = text.toString().lines().toList();
    long layers =
        lines.stream()
            .filter(l -> l.matches("^(conv|relu|lrn|pool|fc|drop|flatten|loss).*"))
            .count();
    if (dry) {
      System.out.println(
          "emulated: proves the flow, not the GPU; no timing reported (the emulator's output is in "
              + report.resolve("bench.txt")
              + ")");
    } else {
      lines.forEach(System.out::println);
    }
    String step =
        lines.stream()
            .filter(l -> l.startsWith("training step"))
            .findFirst()
            .orElse("no step line");
    return new String[] {
      rc == 0 && layers > 0 ? "PASS" : "FAIL",
      String.format(
          Locale.ROOT,
          "exit %d, %d layers timed%s",
          rc,
          layers,
          dry ? " (emulated: no timing reported)" : "; " + step)
    };
  }

  private static String[] split(GpuDay.Reference reference, boolean dry) {
    GpuDay.Workload w = reference.workload();
    int gpus = StreamsAsDevices.visibleGpus();
    boolean twoGpus = gpus >= 2;
    Injector injector = cudnn(w, twoGpus ? "alexnet4j.devices = [0, 1]" : "");
    NetworkSpec spec = GpuDay.spec(injector);
    String where =
        twoGpus
            ? "two GPUs (cuda:0, cuda:1)"
            : "two streams of one GPU (StreamsAsDevices: GPU 0 opened as cuda:0 and cuda:1, "
                + gpus
                + " GPU visible)";
    System.out.println("two-tower (model-parallel) split on " + where);
    int steps = Math.min(w.steps(), dry ? 2 : SPLIT_STEPS);
    float[] expected = reference.records().get("train/loss");
    // The injector opens the configured backend eagerly (Guice's production stage); on one GPU it
    // is closed again before GPU 0 is opened as two devices.
    Backend configured = injector.getInstance(Backend.class);
    if (!twoGpus) {
      configured.close();
    }
    try (Backend backend = twoGpus ? configured : StreamsAsDevices.open(0, 2)) {
      List<Device> two = backend.devices().subList(0, 2);
      Map<String, float[]> actual;
      try (TrainableNetwork net =
          new ModelParallelMode()
              .build(spec, backend, two, w.batch(), GpuDay.SEED, StageObserver.NONE)) {
        actual = GpuDay.train(net, null, backend, w, steps, false, null);
      }
      List<GpuDay.Difference> losses =
          GpuDay.compareLosses(expected, actual.get("train/loss"), steps);
      losses.forEach(d -> System.out.println("  " + d));
      boolean lossesOk = losses.stream().allMatch(GpuDay.Difference::ok);
      double worst = losses.stream().mapToDouble(GpuDay.Difference::worst).max().orElse(0);
      int batch = dry ? w.batch() : BENCH_BATCH;
      SplitStepBench.Comparison c =
          SplitStepBench.compare(
              new ModelParallelMode(),
              two,
              new SplitStepBench.Settings(
                  spec, backend, batch, GpuDay.SEED, GpuDay.SGD, dry ? 0 : 3, dry ? 1 : 10));
      String timing;
      if (dry) {
        timing = "paired timing ran (emulated: no timing reported)";
      } else {
        double[] q = c.speedupQuartiles();
        timing =
            String.format(
                Locale.ROOT,
                "batch %d: split %.1f images/s (median step %.1f ms), one device %.1f images/s,"
                    + " speed-up %.3fx (quartiles %.3f-%.3f), waiting %s",
                batch,
                c.shared().imagesPerSecond(),
                c.shared().medianStepSeconds() * 1000,
                c.oneDevice().imagesPerSecond(),
                c.medianSpeedup(),
                q[0],
                q[1],
                c.shared().waitingFraction());
        System.out.println("  " + timing);
      }
      return new String[] {
        lossesOk ? "PASS" : "FAIL",
        String.format(
            Locale.ROOT,
            "on %s: %d steps' losses vs nd4j, worst %.1e (tol %.0e); %s",
            twoGpus ? "two GPUs" : "two streams of one GPU",
            steps,
            worst,
            GpuDay.LOSS_TOLERANCE,
            timing)
      };
    }
  }

  private static SingleDeviceNetwork single(NetworkSpec spec, Backend backend, GpuDay.Workload w) {
    return (SingleDeviceNetwork)
        new ModelParallelMode()
            .build(
                spec,
                backend,
                backend.devices().subList(0, 1),
                w.batch(),
                GpuDay.SEED,
                StageObserver.NONE);
  }
}
