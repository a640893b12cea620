package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One AlexNet training step (docs/PAPER.md shapes, single device, grouped conv2/4/5 and LRN per
 * tower) built straight from the ND4J plans: forward, softmax cross-entropy, backward and the SGD
 * update of all 16 parameters. Prints images/s (median step) and the median forward and backward
 * time of every op.
 *
 * <pre>
 * OMP_PROC_BIND=true OMP_NUM_THREADS=2 mvn -B -o -q -pl backend-nd4j exec:java \
 *   -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.alexnet4j.backend.nd4j.Nd4jAlexNetStepBenchmark -Dexec.args="32 3 10"
 * </pre>
 *
 * Arguments: batch size (32), warm-up steps (3), timed steps (10), and the convolution path, {@code
 * onednn} or {@code libnd4j} ({@code alexnet4j.nd4j.convolution}; default: the default of
 * reference.conf). Not a test: surefire skips it.
 */
public final class Nd4jAlexNetStepBenchmark {
  private final Nd4jBackend backend;
  private final Device device;
  private final int batch;
  private final SplittableRandom random = new SplittableRandom(2012);

  /** Per op name, forward and backward times of each timed step, in ms. */
  private final Map<String, List<Double>> forwardMs = new LinkedHashMap<>();

  private final Map<String, List<Double>> backwardMs = new LinkedHashMap<>();
  private boolean timing;

  private final List<Tensor> parameters = new ArrayList<>();
  private final List<Tensor> gradients = new ArrayList<>();
  private final List<Tensor> velocities = new ArrayList<>();

  private Nd4jAlexNetStepBenchmark(Nd4jBackend backend, int batch) {
    this.backend = backend;
    this.device = backend.devices().get(0);
    this.batch = batch;
  }

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    // JavaCPP caps off-heap memory at the heap size by default; a batch-32 AlexNet step needs
    // about 2 GB of native buffers, more than a small default heap.
    if (System.getProperty("org.bytedeco.javacpp.maxbytes") == null) {
      System.setProperty("org.bytedeco.javacpp.maxbytes", "12G");
      System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "16G");
    }
    Nd4jConvolutionPath path =
        args.length > 3
            ? Nd4jConvolutionPath.fromConfig(args[3])
            : Nd4jSettings.DEFAULT_CONVOLUTION;
    try (Nd4jBackend backend = new Nd4jBackend(new Nd4jSettings(1, 0, true, path))) {
      new Nd4jAlexNetStepBenchmark(backend, batch).run(warmUp, steps);
    }
  }

  private Tensor parameter(Shape shape, double std, double constant) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (std > 0 ? random.nextGaussian() * std : constant);
    }
    Tensor p = backend.upload(device, shape, values);
    parameters.add(p);
    gradients.add(backend.zeros(device, shape));
    velocities.add(backend.zeros(device, shape));
    return p;
  }

  private Tensor gradientOf(Tensor parameter) {
    return gradients.get(parameters.indexOf(parameter));
  }

  private <T> T time(Map<String, List<Double>> table, String name, Supplier<T> op) {
    long start = System.nanoTime();
    T result = op.get();
    double ms = (System.nanoTime() - start) / 1e6;
    if (timing) {
      table.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
    }
    return result;
  }

  private Tensor forward(String name, Supplier<Tensor> op) {
    return time(forwardMs, name, op);
  }

  private Tensor backward(String name, Supplier<Tensor> op) {
    return time(backwardMs, name, op);
  }

  private void run(int warmUp, int steps) {
    Shape input = Shape.nchw(batch, 3, 227, 227);
    ConvolutionGeometry g1 = ConvolutionGeometry.square(3, 96, 11, 4, 0, 1);
    ConvolutionGeometry g2 = ConvolutionGeometry.square(96, 256, 5, 1, 2, 2);
    ConvolutionGeometry g3 = ConvolutionGeometry.square(256, 384, 3, 1, 1, 1);
    ConvolutionGeometry g4 = ConvolutionGeometry.square(384, 384, 3, 1, 1, 2);
    ConvolutionGeometry g5 = ConvolutionGeometry.square(384, 256, 3, 1, 1, 2);
    PoolingGeometry pool = new PoolingGeometry(3, 2, 0);
    LrnParameters lrn = LrnParameters.paper(2);

    ConvolutionPlan conv1 = backend.convolution(device, input, g1, false);
    Shape s1 = conv1.outputShape();
    ElementwisePlan relu1 = backend.relu(device, s1);
    LrnPlan lrn1 = backend.lrn(device, s1, lrn);
    PoolingPlan pool1 = backend.maxPooling(device, s1, pool);
    ConvolutionPlan conv2 = backend.convolution(device, pool1.outputShape(), g2, true);
    Shape s2 = conv2.outputShape();
    ElementwisePlan relu2 = backend.relu(device, s2);
    LrnPlan lrn2 = backend.lrn(device, s2, lrn);
    PoolingPlan pool2 = backend.maxPooling(device, s2, pool);
    ConvolutionPlan conv3 = backend.convolution(device, pool2.outputShape(), g3, true);
    ElementwisePlan relu3 = backend.relu(device, conv3.outputShape());
    ConvolutionPlan conv4 = backend.convolution(device, conv3.outputShape(), g4, true);
    ElementwisePlan relu4 = backend.relu(device, conv4.outputShape());
    ConvolutionPlan conv5 = backend.convolution(device, conv4.outputShape(), g5, true);
    Shape s5 = conv5.outputShape();
    ElementwisePlan relu5 = backend.relu(device, s5);
    PoolingPlan pool5 = backend.maxPooling(device, s5, pool);
    int flat = (int) pool5.outputShape().sampleSize();
    DensePlan fc6 = backend.dense(device, batch, flat, 4096, true);
    ElementwisePlan relu6 = backend.relu(device, Shape.of(batch, 4096));
    DropoutPlan drop6 =
        backend.dropout(
            device,
            Shape.of(batch, 4096),
            DropoutGeometry.whole(0.5f, DropoutMask.layerId("fc6"), 4096));
    DensePlan fc7 = backend.dense(device, batch, 4096, 4096, true);
    ElementwisePlan relu7 = backend.relu(device, Shape.of(batch, 4096));
    DropoutPlan drop7 =
        backend.dropout(
            device,
            Shape.of(batch, 4096),
            DropoutGeometry.whole(0.5f, DropoutMask.layerId("fc7"), 4096));
    DensePlan fc8 = backend.dense(device, batch, 4096, 1000, true);
    SoftmaxCrossEntropyPlan loss = backend.softmaxCrossEntropy(device, batch, 1000);
    SgdPlan sgd = backend.sgd(device);

    Tensor w1 = parameter(g1.weightShape(), 0.01, 0);
    Tensor b1 = parameter(Shape.of(96), 0, 0);
    Tensor w2 = parameter(g2.weightShape(), 0.01, 0);
    Tensor b2 = parameter(Shape.of(256), 0, 1);
    Tensor w3 = parameter(g3.weightShape(), 0.01, 0);
    Tensor b3 = parameter(Shape.of(384), 0, 0);
    Tensor w4 = parameter(g4.weightShape(), 0.01, 0);
    Tensor b4 = parameter(Shape.of(384), 0, 1);
    Tensor w5 = parameter(g5.weightShape(), 0.01, 0);
    Tensor b5 = parameter(Shape.of(256), 0, 1);
    Tensor w6 = parameter(Shape.of(4096, flat), 0.01, 0);
    Tensor b6 = parameter(Shape.of(4096), 0, 1);
    Tensor w7 = parameter(Shape.of(4096, 4096), 0.01, 0);
    Tensor b7 = parameter(Shape.of(4096), 0, 1);
    Tensor w8 = parameter(Shape.of(1000, 4096), 0.01, 0);
    Tensor b8 = parameter(Shape.of(1000), 0, 0);

    float[] pixels = new float[Math.toIntExact(input.size())];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble(-1, 1);
    }
    Tensor x = backend.upload(device, input, pixels);
    int[] labels = new int[batch];
    for (int n = 0; n < batch; n++) {
      labels[n] = random.nextInt(1000);
    }
    SgdHyperparameters hyper = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);

    double[] stepMs = new double[steps];
    for (int step = 0; step < warmUp + steps; step++) {
      timing = step >= warmUp;
      long start = System.nanoTime();
      final long s = step;
      Tensor a = forward("conv1", () -> conv1.forward(x, w1, b1));
      final Tensor a1 = a;
      a = forward("relu1", () -> relu1.forward(a1));
      final Tensor a2 = a;
      a = forward("lrn1", () -> lrn1.forward(a2));
      final Tensor a3 = a;
      a = forward("pool1", () -> pool1.forward(a3));
      final Tensor a4 = a;
      a = forward("conv2", () -> conv2.forward(a4, w2, b2));
      final Tensor a5 = a;
      a = forward("relu2", () -> relu2.forward(a5));
      final Tensor a6 = a;
      a = forward("lrn2", () -> lrn2.forward(a6));
      final Tensor a7 = a;
      a = forward("pool2", () -> pool2.forward(a7));
      final Tensor a8 = a;
      a = forward("conv3", () -> conv3.forward(a8, w3, b3));
      final Tensor a9 = a;
      a = forward("relu3", () -> relu3.forward(a9));
      final Tensor a10 = a;
      a = forward("conv4", () -> conv4.forward(a10, w4, b4));
      final Tensor a11 = a;
      a = forward("relu4", () -> relu4.forward(a11));
      final Tensor a12 = a;
      a = forward("conv5", () -> conv5.forward(a12, w5, b5));
      final Tensor a13 = a;
      a = forward("relu5", () -> relu5.forward(a13));
      final Tensor a14 = a;
      a = forward("pool5", () -> pool5.forward(a14));
      final Tensor a15 = a;
      a = forward("fc6", () -> fc6.forward(a15, w6, b6));
      final Tensor a16 = a;
      a = forward("relu6", () -> relu6.forward(a16));
      final Tensor a17 = a;
      a = forward("drop6", () -> drop6.forward(a17, 7, s));
      final Tensor a18 = a;
      a = forward("fc7", () -> fc7.forward(a18, w7, b7));
      final Tensor a19 = a;
      a = forward("relu7", () -> relu7.forward(a19));
      final Tensor a20 = a;
      a = forward("drop7", () -> drop7.forward(a20, 7, s));
      final Tensor a21 = a;
      a = forward("fc8", () -> fc8.forward(a21, w8, b8));
      final Tensor logits = a;
      forward("softmax", () -> loss.forward(logits));
      float lossValue = time(forwardMs, "loss", () -> loss.loss(labels));

      Tensor d = backward("softmax", () -> loss.backward(labels));
      final Tensor d1 = d;
      d = backward("fc8", () -> fc8.backward(d1, gradientOf(w8), gradientOf(b8)));
      final Tensor d2 = d;
      d = backward("drop7", () -> drop7.backward(d2));
      final Tensor d3 = d;
      d = backward("relu7", () -> relu7.backward(d3));
      final Tensor d4 = d;
      d = backward("fc7", () -> fc7.backward(d4, gradientOf(w7), gradientOf(b7)));
      final Tensor d5 = d;
      d = backward("drop6", () -> drop6.backward(d5));
      final Tensor d6 = d;
      d = backward("relu6", () -> relu6.backward(d6));
      final Tensor d7 = d;
      d = backward("fc6", () -> fc6.backward(d7, gradientOf(w6), gradientOf(b6)));
      final Tensor d8 = d;
      d = backward("pool5", () -> pool5.backward(d8));
      final Tensor d9 = d;
      d = backward("relu5", () -> relu5.backward(d9));
      final Tensor d10 = d;
      d = backward("conv5", () -> conv5.backward(d10, gradientOf(w5), gradientOf(b5)));
      final Tensor d11 = d;
      d = backward("relu4", () -> relu4.backward(d11));
      final Tensor d12 = d;
      d = backward("conv4", () -> conv4.backward(d12, gradientOf(w4), gradientOf(b4)));
      final Tensor d13 = d;
      d = backward("relu3", () -> relu3.backward(d13));
      final Tensor d14 = d;
      d = backward("conv3", () -> conv3.backward(d14, gradientOf(w3), gradientOf(b3)));
      final Tensor d15 = d;
      d = backward("pool2", () -> pool2.backward(d15));
      final Tensor d16 = d;
      d = backward("lrn2", () -> lrn2.backward(d16));
      final Tensor d17 = d;
      d = backward("relu2", () -> relu2.backward(d17));
      final Tensor d18 = d;
      d = backward("conv2", () -> conv2.backward(d18, gradientOf(w2), gradientOf(b2)));
      final Tensor d19 = d;
      d = backward("pool1", () -> pool1.backward(d19));
      final Tensor d20 = d;
      d = backward("lrn1", () -> lrn1.backward(d20));
      final Tensor d21 = d;
      d = backward("relu1", () -> relu1.backward(d21));
      final Tensor d22 = d;
      backward("conv1", () -> conv1.backward(d22, gradientOf(w1), gradientOf(b1)));
      time(
          backwardMs,
          "sgd (16 parameters)",
          () -> {
            for (int i = 0; i < parameters.size(); i++) {
              sgd.update(parameters.get(i), gradients.get(i), velocities.get(i), hyper);
            }
            return null;
          });
      double ms = (System.nanoTime() - start) / 1e6;
      if (timing) {
        stepMs[step - warmUp] = ms;
      }
      System.out.printf(
          Locale.ROOT,
          "%s step %d: %.0f ms, loss %.4f%n",
          timing ? "timed" : "warm-up",
          step,
          ms,
          lossValue);
    }
    report(stepMs);
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void report(double[] stepMs) {
    double[] sorted = stepMs.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    System.out.printf(
        Locale.ROOT,
        "%nAlexNet training step, nd4j (%s), batch %d, %d timed steps: median %.1f ms"
            + " (min %.1f, max %.1f) = %.2f images/s (forward + backward + update)%n",
        Nd4jNativeLibrary.load().contains("HAVE_ONEDNN") ? "oneDNN" : "no oneDNN",
        batch,
        stepMs.length,
        median,
        sorted[0],
        sorted[sorted.length - 1],
        batch * 1000.0 / median);
    System.out.printf(
        Locale.ROOT,
        "environment: OMP_NUM_THREADS=%s OMP_PROC_BIND=%s OPENBLAS_CORETYPE=%s, nd4j threads %d%n",
        System.getenv("OMP_NUM_THREADS"),
        System.getenv("OMP_PROC_BIND"),
        System.getenv("OPENBLAS_CORETYPE"),
        org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads());
    System.out.printf(Locale.ROOT, "%-20s %12s %12s%n", "op", "forward ms", "backward ms");
    double totalForward = 0;
    double totalBackward = 0;
    List<String> names = new ArrayList<>(forwardMs.keySet());
    for (String name : backwardMs.keySet()) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    for (String name : names) {
      List<Double> f = forwardMs.get(name);
      List<Double> b = backwardMs.get(name);
      double fm = f == null ? 0 : median(f);
      double bm = b == null ? 0 : median(b);
      totalForward += fm;
      totalBackward += bm;
      System.out.printf(
          Locale.ROOT,
          "%-20s %12s %12s%n",
          name,
          f == null ? "-" : String.format(Locale.ROOT, "%.2f", fm),
          b == null ? "-" : String.format(Locale.ROOT, "%.2f", bm));
    }
    System.out.printf(
        Locale.ROOT, "%-20s %12.2f %12.2f%n", "sum of medians", totalForward, totalBackward);
  }
}
