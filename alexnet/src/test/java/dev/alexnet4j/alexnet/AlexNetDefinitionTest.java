package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.layers.DenseLayer;
import dev.alexnet4j.api.layers.DropoutLayer;
import dev.alexnet4j.api.layers.LrnLayer;
import dev.alexnet4j.api.layers.MaxPoolLayer;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.network.NetworkSummary;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped AlexNet is the paper's, layer for layer (docs/PAPER.md). */
class AlexNetDefinitionTest {
  static NetworkSpec parse(String hocon) {
    Config config = Alexnet4j.loadConfig(hocon);
    return Guice.createInjector(new CoreModule(config, CoreSettings.from(config)))
        .getInstance(NetworkParser.class)
        .parse();
  }

  @Test
  void imageNetConfigurationHasThePapersShapesAndParameters() {
    NetworkSummary s = parse("alexnet4j.model = alexnet").summary();
    assertEquals(Shape.of(3, 227, 227), s.input());
    assertEquals(Shape.of(96, 55, 55), s.row("conv1").output());
    assertEquals(Shape.of(96, 55, 55), s.row("lrn1").output());
    assertEquals(Shape.of(96, 27, 27), s.row("pool1").output());
    assertEquals(Shape.of(256, 27, 27), s.row("conv2").output());
    assertEquals(Shape.of(256, 13, 13), s.row("pool2").output());
    assertEquals(Shape.of(384, 13, 13), s.row("conv3").output());
    assertEquals(Shape.of(384, 13, 13), s.row("conv4").output());
    assertEquals(Shape.of(256, 13, 13), s.row("conv5").output());
    assertEquals(Shape.of(256, 6, 6), s.row("pool5").output());
    assertEquals(Shape.of(9216), s.row("flatten").output());
    assertEquals(Shape.of(4096), s.row("fc6").output());
    assertEquals(Shape.of(4096), s.row("fc7").output());
    assertEquals(Shape.of(1000), s.row("fc8").output());
    assertEquals(34_944, s.row("conv1").parameters());
    assertEquals(307_456, s.row("conv2").parameters());
    assertEquals(885_120, s.row("conv3").parameters());
    assertEquals(663_936, s.row("conv4").parameters());
    assertEquals(442_624, s.row("conv5").parameters());
    assertEquals(37_752_832, s.row("fc6").parameters());
    assertEquals(16_781_312, s.row("fc7").parameters());
    assertEquals(4_097_000, s.row("fc8").parameters());
    assertEquals(60_965_224, s.totalParameters());
  }

  @Test
  void groupsLrnPoolingDropoutAndInitialisationAreThePapers() {
    List<LayerSpec> layers = parse("alexnet4j.model = alexnet").layers();
    assertEquals(
        List.of(
            "conv1", "relu1", "lrn1", "pool1", "conv2", "relu2", "lrn2", "pool2", "conv3", "relu3",
            "conv4", "relu4", "conv5", "relu5", "pool5", "flatten", "fc6", "relu6", "drop6", "fc7",
            "relu7", "drop7", "fc8", "loss"),
        layers.stream().map(LayerSpec::name).toList());
    for (LayerSpec l : layers) {
      if (l instanceof ConvolutionLayer.Spec c) {
        int groups = List.of("conv2", "conv4", "conv5").contains(c.name()) ? 2 : 1;
        assertEquals(groups, c.groups(), c.name() + " groups");
        assertEquals(0.01, c.weightStd(), 0, c.name() + " weights ~ N(0, 0.01^2)");
        assertEquals(groups == 2 ? 1.0 : 0.0, c.biasInit(), 0, c.name() + " bias");
      } else if (l instanceof DenseLayer.Spec d) {
        assertEquals(0.01, d.weightStd(), 0);
        assertEquals(d.name().equals("fc8") ? 0.0 : 1.0, d.biasInit(), 0, d.name() + " bias");
      } else if (l instanceof LrnLayer.Spec n) {
        assertEquals(5, n.parameters().size());
        assertEquals(1e-4, n.parameters().alpha(), 0);
        assertEquals(0.75, n.parameters().beta(), 0);
        assertEquals(2.0, n.parameters().k(), 0);
        assertEquals(2, n.parameters().groups(), n.name() + ": LRN per tower, as on two GPUs");
      } else if (l instanceof MaxPoolLayer.Spec p) {
        assertEquals(3, p.geometry().kernel(), "overlapping pooling");
        assertEquals(2, p.geometry().stride());
      } else if (l instanceof DropoutLayer.Spec d) {
        assertEquals(0.5f, d.rate());
      }
    }
  }

  @Test
  void classCountAndInputSizeAreConfigKeys() {
    NetworkSummary s =
        parse(
                """
                alexnet4j.model = alexnet
                alexnet4j.alexnet.classes = 10
                alexnet4j.alexnet.input = [3, 259, 259]
                """)
            .summary();
    assertEquals(Shape.of(10), s.row("fc8").output());
    assertEquals(4096 * 10 + 10, s.row("fc8").parameters());
    assertEquals(Shape.of(256, 7, 7), s.row("pool5").output());
    assertEquals(256 * 49 * 4096 + 4096, s.row("fc6").parameters());
  }

  @Test
  void smallMemberKeepsTheTopology() {
    NetworkSpec small = parse("alexnet4j.model = alexnet-small");
    NetworkSpec paper = parse("alexnet4j.model = alexnet");
    assertEquals(
        paper.layers().stream().map(LayerSpec::type).toList(),
        small.layers().stream().map(LayerSpec::type).toList(),
        "same layer types in the same order");
    NetworkSummary s = small.summary();
    assertEquals(Shape.of(3, 32, 32), s.input());
    assertEquals(Shape.of(64, 3, 3), s.row("pool5").output());
    assertEquals(Shape.of(10), s.row("fc8").output());
    assertTrue(s.totalParameters() < 1_000_000, s.toString());
  }
}
