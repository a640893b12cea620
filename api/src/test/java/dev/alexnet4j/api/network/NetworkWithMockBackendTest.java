package dev.alexnet4j.api.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** Layers and networks drive the SPI as specified; checked on a mocked backend. */
class NetworkWithMockBackendTest {
  private static final Device CPU = new Device("cpu", 0);
  private static final String NET =
      """
      net {
        input = [2, 6, 6]
        layers = [
          { name = conv1, type = conv, filters = 4, kernel = 3, groups = 2, bias-init = 1 }
          { name = drop, type = dropout, rate = 0.25 }
          { name = fc, type = dense, units = 5, bias = false }
          { name = loss, type = softmax-cross-entropy }
        ]
      }
      """;

  private Backend backend;
  private ConvolutionPlan conv;
  private DropoutPlan dropout;
  private DensePlan dense;
  private SoftmaxCrossEntropyPlan loss;
  private final Map<String, float[]> uploads = new HashMap<>();

  @BeforeEach
  void mockBackend() {
    backend = mock(Backend.class);
    conv = mock(ConvolutionPlan.class);
    dropout = mock(DropoutPlan.class);
    dense = mock(DensePlan.class);
    loss = mock(SoftmaxCrossEntropyPlan.class);
    when(backend.upload(eq(CPU), any(), any()))
        .thenAnswer(
            inv -> {
              Shape shape = inv.getArgument(1);
              float[] data = inv.getArgument(2);
              uploads.put(shape + "#" + uploads.size(), data.clone());
              return tensor(shape);
            });
    when(backend.zeros(eq(CPU), any())).thenAnswer(inv -> tensor(inv.getArgument(1)));
    when(backend.convolution(eq(CPU), any(), any(), any(Boolean.class))).thenReturn(conv);
    when(conv.outputShape()).thenReturn(Shape.nchw(3, 4, 4, 4));
    when(backend.dropout(eq(CPU), any(), any())).thenReturn(dropout);
    when(backend.dense(eq(CPU), anyInt(), anyInt(), anyInt(), any(Boolean.class)))
        .thenReturn(dense);
    when(backend.softmaxCrossEntropy(CPU, 3, 5)).thenReturn(loss);
  }

  private static Tensor tensor(Shape shape) {
    Tensor t = mock(Tensor.class);
    when(t.shape()).thenReturn(shape);
    when(t.device()).thenReturn(CPU);
    return t;
  }

  private static NetworkSpec spec() {
    Config config = ConfigFactory.defaultReference();
    return Guice.createInjector(new CoreModule(config, CoreSettings.from(config)))
        .getInstance(NetworkParser.class)
        .parse(ConfigFactory.parseString(NET), "net");
  }

  @Test
  void buildPlansEachLayerForItsShape() {
    try (Network net = spec().build(backend, CPU, 3, 7)) {
      verify(backend)
          .convolution(
              CPU, Shape.nchw(3, 2, 6, 6), ConvolutionGeometry.square(2, 4, 3, 1, 0, 2), false);
      verify(backend)
          .dropout(
              CPU,
              Shape.nchw(3, 4, 4, 4),
              DropoutGeometry.whole(0.25f, DropoutMask.layerId("drop"), 4));
      verify(backend).dense(CPU, 3, 64, 5, true);
      assertEquals(
          java.util.List.of("conv1.weight", "conv1.bias", "fc.weight"),
          java.util.List.copyOf(net.parameters().keySet()));
      assertEquals(Shape.of(4, 1, 3, 3), net.parameters().get("conv1.weight").shape());
    }
  }

  @Test
  void initialisationFollowsTheDeclaredDistributions() {
    spec().build(backend, CPU, 3, 7).close();
    ArgumentCaptor<float[]> data = ArgumentCaptor.forClass(float[].class);
    verify(backend).upload(eq(CPU), eq(Shape.of(4)), data.capture());
    assertArrayEquals(new float[] {1, 1, 1, 1}, data.getValue(), "conv1.bias = bias-init 1");
    ArgumentCaptor<float[]> weights = ArgumentCaptor.forClass(float[].class);
    verify(backend).upload(eq(CPU), eq(Shape.of(5, 64)), weights.capture());
    double sum = 0;
    double sq = 0;
    for (float w : weights.getValue()) {
      sum += w;
      sq += w * w;
    }
    int n = weights.getValue().length;
    double std = Math.sqrt(sq / n - (sum / n) * (sum / n));
    assertEquals(0.01, std, 0.002, "fc.weight ~ N(0, 0.01^2)");
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    ArgumentCaptor<float[]> a = ArgumentCaptor.forClass(float[].class);
    spec().build(backend, CPU, 3, 7).close();
    spec().build(backend, CPU, 3, 7).close();
    spec().build(backend, CPU, 3, 8).close();
    verify(backend, org.mockito.Mockito.times(3)).upload(eq(CPU), eq(Shape.of(5, 64)), a.capture());
    assertArrayEquals(a.getAllValues().get(0), a.getAllValues().get(1));
    assertNotEquals(a.getAllValues().get(0)[0], a.getAllValues().get(2)[0]);
  }

  @Test
  void trainingStepRunsForwardThenBackwardInReverse() {
    Tensor x = tensor(Shape.nchw(3, 2, 6, 6));
    Tensor y1 = tensor(Shape.nchw(3, 4, 4, 4));
    Tensor y2 = tensor(Shape.nchw(3, 4, 4, 4));
    Tensor y3 = tensor(Shape.of(3, 5));
    Tensor p = tensor(Shape.of(3, 5));
    Tensor g3 = tensor(Shape.of(3, 5));
    Tensor g2 = tensor(Shape.nchw(3, 4, 4, 4));
    Tensor g1 = tensor(Shape.nchw(3, 4, 4, 4));
    when(conv.forward(any(), any(), any())).thenReturn(y1);
    when(dropout.forward(y1, 7, 11)).thenReturn(y2);
    when(dense.forward(eq(y2), any(), eq(null))).thenReturn(y3);
    when(loss.forward(y3)).thenReturn(p);
    int[] labels = {0, 4, 2};
    when(loss.loss(labels)).thenReturn(1.5f);
    when(loss.backward(labels)).thenReturn(g3);
    when(dense.backward(eq(g3), any(), eq(null))).thenReturn(g2);
    when(dropout.backward(g2)).thenReturn(g1);
    when(conv.backward(eq(g1), any(), any())).thenReturn(null);
    try (Network net = spec().build(backend, CPU, 3, 7)) {
      assertSame(p, net.forward(x, Pass.training(7, 11)));
      assertEquals(1.5f, net.loss(labels));
      net.backward(labels);
      InOrder order = inOrder(conv, dropout, dense, loss);
      order.verify(conv).forward(eq(x), any(), any());
      order.verify(dropout).forward(y1, 7, 11);
      order.verify(dense).forward(eq(y2), any(), eq(null));
      order.verify(loss).backward(labels);
      order
          .verify(dense)
          .backward(eq(g3), eq(net.parameters().get("fc.weight").gradient()), eq(null));
      order.verify(dropout).backward(g2);
      order
          .verify(conv)
          .backward(
              g1,
              net.parameters().get("conv1.weight").gradient(),
              net.parameters().get("conv1.bias").gradient());
    }
  }

  @Test
  void inferenceSkipsDropout() {
    Tensor x = tensor(Shape.nchw(3, 2, 6, 6));
    Tensor y1 = tensor(Shape.nchw(3, 4, 4, 4));
    when(conv.forward(any(), any(), any())).thenReturn(y1);
    try (Network net = spec().build(backend, CPU, 3, 7)) {
      net.forward(x, Pass.inference());
      verify(dropout, never()).forward(any(), anyLong(), anyLong());
      verify(dense).forward(eq(y1), any(), eq(null));
    }
  }

  @Test
  void wrongInputShapeIsRejected() {
    try (Network net = spec().build(backend, CPU, 3, 7)) {
      Tensor wrong = tensor(Shape.nchw(2, 2, 6, 6));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> net.forward(wrong, Pass.inference()));
      assertEquals("network built for input 3x2x6x6 was given 2x2x6x6", e.getMessage());
    }
  }

  @Test
  void labelsOutsideTheClassesAreRejected() {
    try (Network net = spec().build(backend, CPU, 3, 7)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> net.loss(new int[] {0, 5, 1}));
      assertEquals("loss 'loss': label 5 of sample 1 is outside [0, 5)", e.getMessage());
    }
  }

  @Test
  void closeReleasesPlansAndParameters() {
    Network net = spec().build(backend, CPU, 3, 7);
    Tensor weight = net.parameters().get("conv1.weight").value();
    net.close();
    verify(conv).close();
    verify(dense).close();
    verify(loss).close();
    verify(weight).close();
  }
}
