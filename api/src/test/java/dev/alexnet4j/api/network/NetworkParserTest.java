package dev.alexnet4j.api.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Networks declared in HOCON: parsing, shape checks, summaries and one-line errors. */
class NetworkParserTest {
  private static final String SMALL =
      """
      net {
        input = [1, 8, 8]
        layers = [
          { name = conv1, type = conv, filters = 4, kernel = 3, padding = 1 }
          { name = relu1, type = relu }
          { name = pool1, type = maxpool, kernel = 2, stride = 2 }
          { name = fc, type = dense, units = 3 }
          { name = loss, type = softmax-cross-entropy }
        ]
      }
      """;

  private static NetworkParser parser() {
    return parser(ConfigFactory.defaultReference());
  }

  private static NetworkParser parser(Config config) {
    return Guice.createInjector(new CoreModule(config, CoreSettings.from(config)))
        .getInstance(NetworkParser.class);
  }

  private static NetworkParser parserWith(String hocon) {
    return parser(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void modelChosenByNameIsParsed() {
    String models = SMALL.replace("net {", "alexnet4j.models.small {");
    NetworkSpec net = parserWith(models + "\nalexnet4j.model = small").parse();
    assertEquals(5, net.layers().size());
  }

  @Test
  void unknownModelListsTheKnownOnes() {
    String models = SMALL.replace("net {", "alexnet4j.models.small {");
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> parserWith(models + "\nalexnet4j.model = big").parse());
    assertEquals("alexnet4j.model: unknown model 'big' (known models: small)", e.getMessage());
  }

  @Test
  void noModelChosenIsNamed() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> parser().parse());
    assertEquals("alexnet4j.model", e.path());
  }

  private static NetworkSpec parse(String hocon) {
    return parser().parse(ConfigFactory.parseString(hocon), "net");
  }

  private static ConfigurationException failure(String hocon) {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> parse(hocon));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  private static String withLayer(String layer) {
    return "net { input = [1, 8, 8], layers = [ " + layer + " ] }";
  }

  @Test
  void parsesLayersWithDefaultsAndSummarises() {
    NetworkSpec net = parse(SMALL);
    assertEquals(Shape.of(1, 8, 8), net.input());
    assertTrue(net.trainable());
    ConvolutionLayer.Spec conv = (ConvolutionLayer.Spec) net.layers().get(0);
    assertEquals(1, conv.stride(), "stride from layer-defaults.conv");
    assertEquals(0.01, conv.weightStd(), 0);
    NetworkSummary summary = net.summary();
    assertEquals(Shape.of(4, 8, 8), summary.row("conv1").output());
    assertEquals(4 * 1 * 3 * 3 + 4, summary.row("conv1").parameters());
    assertEquals(Shape.of(4, 4, 4), summary.row("pool1").output());
    assertEquals(Shape.of(3), summary.row("fc").output());
    assertEquals(3 * 64 + 3, summary.row("fc").parameters());
    assertEquals(40 + 195, summary.totalParameters());
    assertTrue(summary.toString().contains("conv1"), summary.toString());
  }

  @Test
  void unknownLayerTypeListsTheKnownTypes() {
    ConfigurationException e = failure(withLayer("{ name = act, type = swish }"));
    assertEquals("net.layers[0].type", e.path());
    assertTrue(e.getMessage().contains("unknown layer type 'swish'"), e.getMessage());
    assertTrue(e.getMessage().contains("conv, dense, dropout, flatten, lrn"), e.getMessage());
  }

  @Test
  void missingRequiredKeyIsNamed() {
    ConfigurationException e = failure(withLayer("{ name = c, type = conv, kernel = 3 }"));
    assertEquals("net.layers[0] (c).filters", e.path());
    assertTrue(e.getMessage().contains("required"), e.getMessage());
  }

  @Test
  void mistypedKeyIsNamed() {
    ConfigurationException e =
        failure(withLayer("{ name = c, type = conv, filters = 2, kernel = five }"));
    assertEquals("net.layers[0] (c).kernel", e.path());
    assertTrue(e.getMessage().contains("expected an integer"), e.getMessage());
  }

  @Test
  void unknownLayerKeyListsTheAllowedKeys() {
    ConfigurationException e =
        failure(withLayer("{ name = c, type = conv, filters = 2, kernal = 3 }"));
    assertEquals("net.layers[0].kernal", e.path());
    assertTrue(e.getMessage().contains("kernel"), e.getMessage());
  }

  @Test
  void missingNameIsNamed() {
    ConfigurationException e = failure(withLayer("{ type = relu }"));
    assertEquals("net.layers[0].name", e.path());
  }

  @Test
  void duplicateNamesAreRejected() {
    ConfigurationException e =
        failure(withLayer("{ name = r, type = relu }, { name = r, type = relu }"));
    assertTrue(e.getMessage().contains("used twice"), e.getMessage());
  }

  @Test
  void lossMustBeLast() {
    ConfigurationException e =
        failure(withLayer("{ name = l, type = softmax-cross-entropy }, { name = r, type = relu }"));
    assertTrue(e.getMessage().contains("must be the last"), e.getMessage());
  }

  @Test
  void shapeThatDoesNotFitIsReportedWithTheLayer() {
    ConfigurationException e =
        failure(withLayer("{ name = big, type = conv, filters = 2, kernel = 11 }"));
    assertEquals("net.layers[0]", e.path());
    assertTrue(
        e.getMessage().contains("layer 'big' (conv) cannot take input 1x8x8"), e.getMessage());
  }

  @Test
  void groupsMustDivideChannels() {
    ConfigurationException e =
        failure(withLayer("{ name = g, type = conv, filters = 4, kernel = 3, groups = 2 }"));
    assertTrue(e.getMessage().contains("groups = 2"), e.getMessage());
  }

  @Test
  void evenLrnSizeIsRejected() {
    ConfigurationException e = failure(withLayer("{ name = n, type = lrn, size = 4 }"));
    assertEquals("net.layers[0] (n).size", e.path());
  }

  @Test
  void inputMustBeThreeDimensions() {
    ConfigurationException e =
        failure("net { input = [8, 8], layers = [ { name = r, type = relu } ] }");
    assertEquals("net.input", e.path());
  }

  @Test
  void emptyNetworkIsRejected() {
    ConfigurationException e = failure("net { input = [1, 8, 8], layers = [] }");
    assertEquals("net.layers", e.path());
  }

  @Test
  void absentNetworkIsNamed() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> parser().parse(ConfigFactory.empty(), "net"));
    assertEquals("net", e.path());
  }

  @Test
  void summaryOfNetworkWithoutLossIsNotTrainable() {
    NetworkSpec net = parse(withLayer("{ name = r, type = relu }"));
    assertFalse(net.trainable());
    assertEquals(
        List.of("r"), net.summary().rows().stream().map(NetworkSummary.Row::name).toList());
  }
}
