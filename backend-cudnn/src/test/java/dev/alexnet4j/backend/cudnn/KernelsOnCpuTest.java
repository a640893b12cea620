package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.tensor.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source of this backend's CUDA kernels, compiled as C++ for the CPU (kernels-on-cpu.cpp) and
 * checked bit for bit against the Java reference: the dropout kernel against {@link DropoutMask}
 * (slices, batch offsets, index wrap-around), the SGD kernel against the paper's update in the ND4J
 * backend's order, the cross-entropy gradient against (p - onehot) / N. What this cannot check is
 * the GPU itself (launch, memory); the conformance suite does that where a GPU is.
 */
class KernelsOnCpuTest {
  @TempDir static Path work;
  private static Path binary;

  @BeforeAll
  static void compile() throws Exception {
    boolean gxx = run(List.of("g++", "--version"), "").exit == 0;
    assumeTrue(gxx, "g++ is not installed: the kernel source cannot be compiled for the CPU");
    Files.writeString(work.resolve("kernels.cu"), CudaKernels.source());
    try (InputStream in = KernelsOnCpuTest.class.getResourceAsStream("kernels-on-cpu.cpp")) {
      Files.write(work.resolve("kernels-on-cpu.cpp"), in.readAllBytes());
    }
    binary = work.resolve("kernels-on-cpu");
    Result c =
        run(
            List.of(
                "g++",
                "-std=c++17",
                "-O1",
                "-ffp-contract=off",
                "-Wall",
                "-Werror",
                "-o",
                binary.toString(),
                work.resolve("kernels-on-cpu.cpp").toString()),
            "");
    assertEquals(0, c.exit, "kernels.cu does not compile as C++:\n" + c.output);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, String input) {
    try {
      Process p =
          new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out + " (timed out)");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  private static String hex(float f) {
    return Integer.toHexString(Float.floatToRawIntBits(f));
  }

  private static String hex(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (float v : values) {
      sb.append(hex(v)).append('\n');
    }
    return sb.toString();
  }

  /** Runs one mode and splits its output into arrays of the given lengths. */
  private static List<float[]> kernel(String input, int... lengths) {
    Result r = run(List.of(binary.toString()), input);
    assertEquals(0, r.exit, "kernel harness failed: " + r.output);
    String[] lines = r.output.strip().split("\\R");
    List<float[]> arrays = new ArrayList<>();
    int at = 0;
    for (int length : lengths) {
      float[] a = new float[length];
      for (int i = 0; i < length; i++) {
        a[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(lines[at++], 16));
      }
      arrays.add(a);
    }
    assertEquals(lines.length, at, "output length");
    return arrays;
  }

  private static float[] values(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextDouble(-2, 2);
    }
    return v;
  }

  private static void assertBits(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected[i]),
          Float.floatToRawIntBits(actual[i]),
          what + " at " + i + ": kernel " + actual[i] + ", Java " + expected[i]);
    }
  }

  private static void checkDropout(Shape local, DropoutGeometry g, long seed, long step) {
    DropoutLaunch d = DropoutLaunch.of(local, g, seed, step);
    float[] x = values(new SplittableRandom(seed), d.size());
    String input =
        String.join(
                " ",
                "dropout",
                "" + d.size(),
                "" + d.localChannels(),
                "" + d.rest(),
                "" + d.totalChannels(),
                "" + d.channelOffset(),
                "" + d.batchOffset(),
                Integer.toHexString(d.streamKey()),
                "" + d.threshold(),
                hex(d.scale()))
            + "\n"
            + hex(x);
    List<float[]> out = kernel(input, d.size(), d.size());
    float[] y = new float[d.size()];
    float[] mask = new float[d.size()];
    int kept = 0;
    for (int i = 0; i < d.size(); i++) {
      int r = i % d.rest();
      int c = (i / d.rest()) % d.localChannels();
      int n = i / d.rest() / d.localChannels();
      int global =
          ((g.batchOffset() + n) * g.totalChannels() + g.channelOffset() + c) * d.rest() + r;
      boolean keep = DropoutMask.keep(d.streamKey(), global, g.rate());
      mask[i] = keep ? d.scale() : 0f;
      y[i] = x[i] * mask[i];
      kept += keep ? 1 : 0;
    }
    assertBits("dropout mask " + local + " " + g, mask, out.get(1));
    assertBits("dropout output " + local + " " + g, y, out.get(0));
    assertTrue(kept > 0 && kept < d.size(), "a mask that keeps some and drops some: " + kept);
  }

  @Test
  void dropoutKernelDrawsDropoutMasksUnitsForWholeLayersSlicesAndBatchOffsets() {
    int fc6 = DropoutMask.layerId("fc6");
    checkDropout(Shape.of(4, 64), DropoutGeometry.whole(0.5f, fc6, 64), 42, 0);
    // the second tower's channels, on the second data-parallel replica
    checkDropout(Shape.of(3, 32), new DropoutGeometry(0.5f, fc6, 64, 32, 3), 42, 7);
    // a convolutional-shaped slice, another rate
    checkDropout(
        Shape.nchw(2, 5, 3, 7),
        new DropoutGeometry(0.3f, DropoutMask.layerId("c"), 12, 4, 9),
        1,
        2);
    // global indices past 2^31 wrap as Java's int does
    checkDropout(
        Shape.of(2, 1000),
        new DropoutGeometry(0.5f, 9, 1_000_000, 999_000, 2_200),
        -5L,
        Long.MAX_VALUE);
  }

  @Test
  void sgdKernelIsThePapersUpdateInTheNd4jOrder() {
    int n = 257;
    SplittableRandom random = new SplittableRandom(3);
    float[] w = values(random, n);
    float[] g = values(random, n);
    float[] v = values(random, n);
    float lr = 0.01f;
    float momentum = 0.9f;
    float decay = 0.0005f;
    float minusDecayRate = -(decay * lr);
    float minusRate = -lr;
    String input =
        "sgd "
            + n
            + " "
            + hex(momentum)
            + " "
            + hex(minusDecayRate)
            + " "
            + hex(minusRate)
            + "\n"
            + hex(w)
            + hex(g)
            + hex(v);
    List<float[]> out = kernel(input, n, n);
    float[] w2 = w.clone();
    float[] v2 = new float[n];
    for (int i = 0; i < n; i++) {
      float vi = v[i] * momentum;
      vi = vi + minusDecayRate * w[i];
      vi = vi + minusRate * g[i];
      v2[i] = vi;
      w2[i] = w[i] + vi;
    }
    assertBits("sgd weights", w2, out.get(0));
    assertBits("sgd velocity", v2, out.get(1));
  }

  @Test
  void crossEntropyGradientAndLabelGather() {
    int batch = 3;
    int classes = 5;
    float[] p = values(new SplittableRandom(4), batch * classes);
    int[] labels = {4, 0, 2};
    float inverse = (float) (1.0 / batch);
    StringBuilder input =
        new StringBuilder("xent " + batch + " " + classes + " " + hex(inverse) + "\n" + hex(p));
    for (int label : labels) {
      input.append(label).append('\n');
    }
    List<float[]> out = kernel(input.toString(), batch * classes, batch);
    float[] grad = new float[batch * classes];
    float[] picked = new float[batch];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < classes; c++) {
        grad[n * classes + c] = (p[n * classes + c] - (c == labels[n] ? 1f : 0f)) * inverse;
      }
      picked[n] = p[n * classes + labels[n]];
    }
    assertBits("cross-entropy gradient", grad, out.get(0));
    assertBits("gathered label values", picked, out.get(1));
  }
}
