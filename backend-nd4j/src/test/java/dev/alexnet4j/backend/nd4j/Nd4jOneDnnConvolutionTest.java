package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The choice of convolution path, and oneDNN loaded next to libnd4j; the numbers of both paths are
 * checked by the conformance suites ({@link Nd4jConvolutionConformanceTest}, {@link
 * Nd4jOneDnnConvolutionConformanceTest}).
 */
class Nd4jOneDnnConvolutionTest {
  private static final Shape INPUT = Shape.nchw(2, 4, 9, 9);
  private static final ConvolutionGeometry GEOMETRY = ConvolutionGeometry.square(4, 6, 3, 2, 1, 2);

  @Test
  void theSettingPicksThePlan() {
    try (Nd4jBackend onednn = Nd4jTestBackends.create(Nd4jConvolutionPath.ONEDNN);
        Nd4jBackend libnd4j = Nd4jTestBackends.create(Nd4jConvolutionPath.LIBND4J)) {
      Device device = onednn.devices().get(0);
      try (ConvolutionPlan a = onednn.convolution(device, INPUT, GEOMETRY, true);
          ConvolutionPlan b = libnd4j.convolution(device, INPUT, GEOMETRY, true)) {
        assertInstanceOf(Nd4jOneDnnConvolution.class, a);
        assertInstanceOf(Nd4jConvolution.class, b);
        assertTrue(a.toString().startsWith("onednn convolution"), a.toString());
      }
    }
  }

  /** auto is oneDNN on nd4j-native, the build these tests run on. */
  @Test
  void autoPicksOneDnnWhereArraysLiveInHostMemory() {
    try (Nd4jBackend auto = Nd4jTestBackends.create(Nd4jConvolutionPath.AUTO)) {
      Device device = auto.devices().get(0);
      try (ConvolutionPlan plan = auto.convolution(device, INPUT, GEOMETRY, true)) {
        assertInstanceOf(Nd4jOneDnnConvolution.class, plan);
      }
    }
  }

  /**
   * libdnnl's libgomp.so.1 resolves to the one libnd4j loaded: one OpenMP runtime, whose thread
   * settings (OMP_NUM_THREADS, a virtual device's share) both follow.
   */
  @Test
  void oneOpenMpRuntimeServesLibnd4jAndOneDnn() {
    Nd4jOneDnn.engine();
    List<String> runtimes = Nd4jOneDnn.openMpRuntimes();
    assertEquals(1, runtimes.size(), "OpenMP runtimes mapped: " + runtimes);
    assertTrue(runtimes.get(0).contains("nd4j"), "OpenMP runtime: " + runtimes);
  }

  @Test
  void aClosedPlanRefusesWorkAndClosesOnce() {
    try (Nd4jBackend backend = Nd4jTestBackends.create(Nd4jConvolutionPath.ONEDNN)) {
      Device device = backend.devices().get(0);
      ConvolutionPlan plan = backend.convolution(device, INPUT, GEOMETRY, false);
      try (Tensor x = backend.zeros(device, INPUT);
          Tensor w = backend.zeros(device, GEOMETRY.weightShape());
          Tensor dy = backend.zeros(device, plan.outputShape());
          Tensor dw = backend.zeros(device, GEOMETRY.weightShape())) {
        assertThrows(IllegalStateException.class, () -> plan.backward(dy, dw, null));
        plan.forward(x, w, null);
        assertEquals(null, plan.backward(dy, dw, null), "a plan without input gradient");
        assertEquals(List.of(plan), backend.openPlans().open());
        plan.close();
        plan.close();
        IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> plan.forward(x, w, null));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
      }
      assertEquals(List.of(), backend.openPlans().open(), "the closed plan is no longer held");
    }
  }

  @Test
  void aTensorOfAnotherShapeIsRefusedNamingIt() {
    try (Nd4jBackend backend = Nd4jTestBackends.create(Nd4jConvolutionPath.ONEDNN)) {
      Device device = backend.devices().get(0);
      try (ConvolutionPlan plan = backend.convolution(device, INPUT, GEOMETRY, true);
          Tensor x = backend.zeros(device, Shape.nchw(1, 4, 9, 9));
          Tensor w = backend.zeros(device, GEOMETRY.weightShape())) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> plan.forward(x, w, null));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
      }
    }
  }

  /**
   * Two devices' threads running plans at once, as the model- and data-parallel networks do (small
   * channel counts, so oneDNN's gemm kernels with their im2col scratchpads): each plan's forward
   * and backward, many times over, must give what it gives alone. The crash this guards against
   * (oneDNN's scratchpad shared among primitives; the JVM died in im2col) showed in alexnet's
   * ParallelTrainingResumeTest; each plan now owns its primitives' scratchpads.
   */
  @Test
  void plansOnTwoThreadsAtOnceComputeWhatTheyComputeAlone() throws Exception {
    try (Nd4jBackend backend =
        new Nd4jBackend(new Nd4jSettings(2, 0, true, Nd4jConvolutionPath.ONEDNN))) {
      Shape[] inputs = {Shape.nchw(16, 1, 28, 28), Shape.nchw(8, 3, 32, 32)};
      ConvolutionGeometry[] geometries = {
        ConvolutionGeometry.square(1, 4, 3, 1, 1, 1), ConvolutionGeometry.square(3, 6, 5, 1, 2, 1)
      };
      List<float[]> alone = new ArrayList<>();
      for (int d = 0; d < 2; d++) {
        alone.add(
            forwardAndBackward(backend, backend.devices().get(d), inputs[d], geometries[d], 1));
      }
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<float[]>> together = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
          Device device = backend.devices().get(d);
          Shape input = inputs[d];
          ConvolutionGeometry geometry = geometries[d];
          Callable<float[]> run = () -> forwardAndBackward(backend, device, input, geometry, 100);
          together.add(threads.submit(run));
        }
        for (int d = 0; d < 2; d++) {
          Assertions.assertArrayEquals(alone.get(d), together.get(d).get(), "device " + d);
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /** The output, weight gradient and input gradient of the last of {@code times} steps. */
  private static float[] forwardAndBackward(
      Nd4jBackend backend, Device device, Shape input, ConvolutionGeometry geometry, int times) {
    SplittableRandom random = new SplittableRandom(input.size());
    float[] xs = new float[Math.toIntExact(input.size())];
    float[] ws = new float[Math.toIntExact(geometry.weightShape().size())];
    for (float[] a : List.of(xs, ws)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) random.nextDouble(-1, 1);
      }
    }
    try (ConvolutionPlan plan = backend.convolution(device, input, geometry, true);
        Tensor x = backend.upload(device, input, xs);
        Tensor w = backend.upload(device, geometry.weightShape(), ws);
        Tensor dw = backend.zeros(device, geometry.weightShape())) {
      float[] y = null;
      float[] dx = null;
      for (int t = 0; t < times; t++) {
        Tensor out = plan.forward(x, w, null);
        y = backend.download(out);
        dx = backend.download(plan.backward(out, dw, null));
      }
      float[] gw = backend.download(dw);
      float[] all = new float[y.length + gw.length + dx.length];
      System.arraycopy(y, 0, all, 0, y.length);
      System.arraycopy(gw, 0, all, y.length, gw.length);
      System.arraycopy(dx, 0, all, y.length + gw.length, dx.length);
      return all;
    }
  }
}
