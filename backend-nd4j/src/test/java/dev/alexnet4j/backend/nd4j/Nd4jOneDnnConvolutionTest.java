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
import java.util.List;
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
}
