package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.layers.DenseLayer;
import dev.alexnet4j.api.layers.LrnLayer;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The scheduler exchanges tensors exactly at the split's exchange points: in alexnet-small over two
 * devices, the gathers of each full layer (conv3, fc6, fc7, fc8; an LRN with groups = 1 would add
 * one) and of the logits, and in backward the gradient sums of those layers (conv1 reads the data
 * and needs no input gradient). The backend is the real one behind a Mockito delegate.
 */
class SplitExchangeTest {
  @Test
  void copiesAndSumsOnlyAtTheExchangePoints() {
    Injector injector = SplitFixture.injector(SplitFixture.config("alexnet-small", ""));
    NetworkSpec spec = SplitFixture.spec(injector);
    int gatheringLayers = gatheringLayers(spec);
    assertEquals(4, gatheringLayers, "alexnet-small's full layers after conv1: conv3, fc6-fc8");
    try (Backend real = SplitFixture.backend(injector)) {
      Backend backend = mock(Backend.class, delegatesTo(real));
      int batch = 2;
      try (ModelParallelNetwork split =
          ModelParallelNetwork.build(
              spec, backend, real.devices().subList(0, 2), batch, 1, StageObserver.NONE)) {
        float[] data = SplitFixture.gaussian(Math.toIntExact(split.inputShape().size()), 3, 50);
        try (Tensor x = real.upload(split.devices().get(0), split.inputShape(), data)) {
          clearInvocations(backend);
          split.forward(x, Pass.training(1, 0));
          ArgumentCaptor<Tensor> from = ArgumentCaptor.forClass(Tensor.class);
          ArgumentCaptor<Tensor> to = ArgumentCaptor.forClass(Tensor.class);
          verify(backend, atLeastOnce()).copy(from.capture(), to.capture());
          // One input copy per device, then per gathering layer one slice to each other device,
          // then the second device's logits to the first.
          assertEquals(2 + gatheringLayers * 2 + 1, from.getAllValues().size(), "forward copies");
          assertEquals(
              gatheringLayers * 2 + 1 + 1,
              crossDevice(from.getAllValues(), to.getAllValues()),
              "forward copies between devices (the input, on device 0, counts once)");
          verify(backend, never()).add(any(), any());

          clearInvocations(backend);
          split.backward(SplitFixture.labels(batch, 10, 3));
          ArgumentCaptor<Tensor> source = ArgumentCaptor.forClass(Tensor.class);
          ArgumentCaptor<Tensor> target = ArgumentCaptor.forClass(Tensor.class);
          verify(backend, atLeastOnce()).add(source.capture(), target.capture());
          // Per gathering layer, each device adds the other device's partial gradient of its
          // slice, after copying it over; adds are always local.
          assertEquals(gatheringLayers * 2, source.getAllValues().size(), "backward sums");
          assertEquals(0, crossDevice(source.getAllValues(), target.getAllValues()), "adds");
          ArgumentCaptor<Tensor> gradFrom = ArgumentCaptor.forClass(Tensor.class);
          ArgumentCaptor<Tensor> gradTo = ArgumentCaptor.forClass(Tensor.class);
          verify(backend, atLeastOnce()).copy(gradFrom.capture(), gradTo.capture());
          // The logits' gradient to device 1, and per gathering layer one partial each way.
          assertEquals(
              1 + gatheringLayers * 2,
              crossDevice(gradFrom.getAllValues(), gradTo.getAllValues()),
              "backward copies between devices");
        }
      }
    }
  }

  /** Full layers after the first, and LRNs whose windows cross a two-way split. */
  private static int gatheringLayers(NetworkSpec spec) {
    int n = 0;
    for (LayerSpec layer : spec.layers().subList(1, spec.layers().size())) {
      if (layer instanceof ConvolutionLayer.Spec c && c.groups() == 1
          || layer instanceof DenseLayer.Spec
          || layer instanceof LrnLayer.Spec l && l.parameters().groups() % 2 != 0) {
        n++;
      }
    }
    return n;
  }

  private static int crossDevice(List<Tensor> from, List<Tensor> to) {
    int n = 0;
    for (int i = 0; i < from.size(); i++) {
      if (!from.get(i).device().equals(to.get(i).device())) {
        n++;
      }
    }
    return n;
  }
}
