package dev.alexnet4j.cli;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The GPU day's workload, run the same way on ND4J at bundle time ({@link GpuDayReference}) and on
 * cuDNN on the GPU machine ({@link GpuDayRun}), and the file that carries ND4J's results there: the
 * GPU machine has no room for ND4J (hundreds of MiB against 64 MiB carried).
 *
 * <p>The workload: a model of the AlexNet family from {@code alexnet4j.models} built from seed
 * {@link #SEED}; {@link #DISTINCT_BATCHES} synthetic batches (Gaussian pixels of std {@link
 * #PIXEL_STD} and uniform labels) cycled over the steps; the paper's SGD (0.01, momentum 0.9,
 * weight decay 0.0005); dropout masks from the seed and step, the same on every backend. Step 0
 * also records, for the cross-backend check, the probabilities, every layer's output and every
 * parameter's gradient (evenly spaced samples of at most {@link #SAMPLES} elements); every step
 * records its loss; some steps record samples of the updated weights.
 */
final class GpuDay {
  static final long SEED = 2012;
  static final SgdHyperparameters SGD = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);
  static final int DISTINCT_BATCHES = 4;
  static final int SAMPLES = 1024;
  static final double PIXEL_STD = 10;

  /** Scale-relative tolerance of the step-0 check (as CudnnMatchesNd4jTest, 2e-3). */
  static final double MATCH_TOLERANCE = 2e-3;

  /**
   * Per step: |loss - reference| <= this * max(1, |reference|); CudnnParallelTrainingTest's 2e-3
   * over 3 steps, widened for drift over 200.
   */
  static final double LOSS_TOLERANCE = 5e-3;

  /** Scale-relative tolerance of the weight samples after many steps (float drift accumulates). */
  static final double WEIGHT_TOLERANCE = 1e-2;

  private GpuDay() {}

  /** What is run: model, its classes, batch and steps. */
  record Workload(String model, int classes, int batch, int steps) {
    String header() {
      return String.format(
          Locale.ROOT,
          "model=%s classes=%d batch=%d steps=%d seed=%d",
          model,
          classes,
          batch,
          steps,
          SEED);
    }

    static Workload parse(String header) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : header.trim().split("\\s+")) {
        int eq = part.indexOf('=');
        kv.put(part.substring(0, eq), part.substring(eq + 1));
      }
      return new Workload(
          kv.get("model"),
          Integer.parseInt(kv.get("classes")),
          Integer.parseInt(kv.get("batch")),
          Integer.parseInt(kv.get("steps")));
    }

    /** The steps after which weight samples are recorded: the first, the middle and the last. */
    List<Integer> weightSteps() {
      return List.copyOf(new TreeSet<>(List.of(1, Math.max(1, steps / 2), steps)));
    }

    Config config(String backend, String extra) {
      String classesKey = model.equals("alexnet") ? "alexnet.classes" : model + ".classes";
      return Alexnet4j.loadConfig(
          "alexnet4j { backend = "
              + backend
              + ", model = "
              + model
              + ", seed = "
              + SEED
              + ", devices = [0], "
              + classesKey
              + " = "
              + classes
              + " }\n"
              + extra);
    }
  }

  static NetworkSpec spec(Injector injector) {
    return injector.getInstance(NetworkParser.class).parse();
  }

  static Injector injector(Config config) {
    return Alexnet4j.createInjector(config);
  }

  static float[] images(long size, int b) {
    SplittableRandom random = new SplittableRandom(SEED * 31 + b);
    float[] v = new float[Math.toIntExact(size)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * PIXEL_STD);
    }
    return v;
  }

  static int[] labels(int batch, int classes, int b) {
    SplittableRandom random = new SplittableRandom(SEED * 17 + b);
    int[] l = new int[batch];
    for (int i = 0; i < batch; i++) {
      l[i] = random.nextInt(classes);
    }
    return l;
  }

  /** Called after each step with the step number (from 1) and its loss. */
  interface Progress {
    void step(int step, float loss, long nanos);
  }

  /**
   * Trains {@code steps} steps of the workload on {@code net}, returning what was recorded. With
   * {@code single} (the network inside a one-device {@code net}), step 0 records every layer's
   * output and every gradient too.
   */
  static Map<String, float[]> train(
      TrainableNetwork net,
      Network single,
      Backend backend,
      Workload w,
      int steps,
      boolean weights,
      Progress progress) {
    Map<String, float[]> out = new LinkedHashMap<>();
    float[] losses = new float[steps];
    List<Integer> weightSteps = w.weightSteps();
    for (int s = 0; s < steps; s++) {
      long start = System.nanoTime();
      int b = s % DISTINCT_BATCHES;
      float[] probabilities =
          net.forward(images(net.inputShape().size(), b), Pass.training(SEED, s));
      int[] labels = labels(w.batch(), w.classes(), b);
      losses[s] = net.loss(labels);
      if (s == 0 && single != null) {
        out.put("match/probabilities", sample(probabilities));
        out.put("match/loss", new float[] {losses[0]});
        List<Layer> layers = single.layers();
        for (int i = 0; i < layers.size(); i++) {
          out.put("match/output/" + layers.get(i).name(), sample(backend, single.lastOutput(i)));
        }
      }
      net.backward(labels);
      if (s == 0 && single != null) {
        for (Map.Entry<String, Parameter> p : single.parameters().entrySet()) {
          out.put("match/gradient/" + p.getKey(), sample(backend, p.getValue().gradient()));
        }
      }
      net.update(SGD);
      if (weights && weightSteps.contains(s + 1)) {
        for (Map.Entry<String, NpyArray> p : net.parameters().entrySet()) {
          out.put("train/weights@" + (s + 1) + "/" + p.getKey(), sample(p.getValue().data()));
        }
      }
      if (progress != null) {
        progress.step(s + 1, losses[s], System.nanoTime() - start);
      }
    }
    out.put("train/loss", losses);
    return out;
  }

  static float[] sample(Backend backend, Tensor t) {
    return sample(backend.download(t));
  }

  /** At most {@link #SAMPLES} evenly spaced elements. */
  static float[] sample(float[] all) {
    int stride = Math.max(1, (all.length + SAMPLES - 1) / SAMPLES);
    float[] s = new float[(all.length + stride - 1) / stride];
    for (int i = 0; i < s.length; i++) {
      s[i] = all[i * stride];
    }
    return s;
  }

  // ---- the reference file: a header line, then "name<TAB>n<TAB>v1 v2 ..." per record, gzip ----

  static void write(Path file, Workload w, String about, Map<String, float[]> records)
      throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer raw =
            new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(tmp)), StandardCharsets.UTF_8);
        PrintWriter out = new PrintWriter(raw)) {
      out.println(w.header());
      out.println("# " + about.replace('\n', ' '));
      for (Map.Entry<String, float[]> e : records.entrySet()) {
        StringBuilder line = new StringBuilder(e.getKey()).append('\t');
        line.append(e.getValue().length).append('\t');
        for (int i = 0; i < e.getValue().length; i++) {
          line.append(i == 0 ? "" : " ").append(e.getValue()[i]);
        }
        out.println(line);
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** A reference file read back: its workload, its note and its records. */
  record Reference(Workload workload, String about, Map<String, float[]> records) {}

  static Reference read(Path file) throws IOException {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      Workload w = Workload.parse(in.readLine());
      String about = in.readLine().substring(2);
      Map<String, float[]> records = new LinkedHashMap<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] p = line.split("\t", 3);
        int n = Integer.parseInt(p[1]);
        float[] v = new float[n];
        String[] values = p[2].isEmpty() ? new String[0] : p[2].split(" ");
        for (int i = 0; i < n; i++) {
          v[i] = Float.parseFloat(values[i]);
        }
        records.put(p[0], v);
      }
      return new Reference(w, about, records);
    }
  }

  // ---- comparison ----------------------------------------------------------------------------

  /** One record compared: the worst error relative to the reference's scale, and where. */
  record Difference(String name, double worst, int at, float actual, float expected, double tol) {
    boolean ok() {
      return worst <= tol;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-40s worst %.2e at [%d] (cudnn %s, nd4j %s), tolerance %.0e %s",
          name,
          worst,
          at,
          actual,
          expected,
          tol,
          ok() ? "ok" : "EXCEEDED");
    }
  }

  /** Worst |a - e| / max|e| over the record (a missing or mis-sized record is infinitely wrong). */
  static Difference compare(String name, float[] expected, float[] actual, double tol) {
    if (actual == null || expected.length != actual.length) {
      return new Difference(name, Double.POSITIVE_INFINITY, -1, Float.NaN, Float.NaN, tol);
    }
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    scale = Math.max(scale, 1e-30);
    double worst = 0;
    int at = 0;
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs((double) actual[i] - expected[i]) / scale;
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    }
    return new Difference(name, worst, at, actual[at], expected[at], tol);
  }

  /** Per step: the losses' difference relative to max(1, |reference|). */
  static List<Difference> compareLosses(float[] expected, float[] actual, int steps) {
    List<Difference> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      double err =
          s < actual.length
              ? Math.abs((double) actual[s] - expected[s]) / Math.max(1, Math.abs(expected[s]))
              : Double.POSITIVE_INFINITY;
      out.add(
          new Difference(
              "loss step " + (s + 1),
              Double.isNaN(err) ? Double.POSITIVE_INFINITY : err,
              s,
              s < actual.length ? actual[s] : Float.NaN,
              expected[s],
              LOSS_TOLERANCE));
    }
    return out;
  }
}
