package dev.alexnet4j.backend.nd4j.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.testing.BarsProblem;
import org.junit.jupiter.api.Test;

/**
 * A new layer type added from a user's Guice module named only in config, with its defaults in the
 * user's reference.conf, no framework file touched: it is found, computes the right values and
 * gradients, and a network using it trains.
 */
class ExtensionLayerTest {
  private static final String WITH_MODULE =
      "alexnet4j.modules = [\"" + LeakyReluModule.class.getName() + "\"]\n";

  private static Injector injector(String hocon) {
    return Alexnet4j.createInjector(Alexnet4j.loadConfig(hocon));
  }

  @Test
  void withoutTheModuleTheTypeIsUnknown() {
    Injector injector = injector(LearningEndToEndTest.NETWORK.formatted("leaky-relu"));
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> injector.getInstance(NetworkParser.class).parse());
    assertTrue(e.getMessage().contains("unknown layer type 'leaky-relu'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("add the module that defines it to alexnet4j.modules"),
        e.getMessage());
  }

  @Test
  void aTypeRegisteredTwiceNamesBothModulesInOneLine() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                injector(
                    "alexnet4j.modules = [\""
                        + LeakyReluModule.class.getName()
                        + "\", \""
                        + ClashingReluModule.class.getName()
                        + "\"]"));
    assertEquals("alexnet4j.modules", e.path());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("layer type 'relu' is registered twice"), e.getMessage());
    assertTrue(e.getMessage().contains("CoreModule"), e.getMessage());
    assertTrue(
        e.getMessage().contains(ClashingReluModule.class.getName() + " (alexnet4j.modules[1])"),
        e.getMessage());
  }

  @Test
  void moduleThatIsNotOnTheClassPathIsNamed() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> injector("alexnet4j.modules = [com.example.Missing]"));
    assertEquals("alexnet4j.modules[0]", e.path());
    assertTrue(e.getMessage().contains("com.example.Missing"), e.getMessage());
  }

  @Test
  void leakyReluComputesItsValuesAndGradient() {
    Injector injector =
        injector(
            WITH_MODULE
                + """
                alexnet4j.model = one
                alexnet4j.models.one {
                  input = [1, 2, 2]
                  layers = [ { name = act, type = leaky-relu, slope = 0.25 } ]
                }
                """);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network network = spec.build(backend, backend.devices().get(0), 1, 1)) {
      Layer act = network.layers().get(0);
      assertInstanceOf(LeakyReluLayer.class, act);
      Shape shape = Shape.nchw(1, 1, 2, 2);
      try (Tensor x =
              backend.upload(backend.devices().get(0), shape, new float[] {-2, -0.5f, 1, 3});
          Tensor dy = backend.upload(backend.devices().get(0), shape, new float[] {1, 2, 3, 4})) {
        float[] y = backend.download(network.forward(x, Pass.inference()));
        assertEquals(-0.5f, y[0], 1e-6f);
        assertEquals(-0.125f, y[1], 1e-6f);
        assertEquals(1f, y[2], 1e-6f);
        assertEquals(3f, y[3], 1e-6f);
        float[] dx = backend.download(act.backward(dy));
        assertEquals(0.25f, dx[0], 1e-6f);
        assertEquals(0.5f, dx[1], 1e-6f);
        assertEquals(3f, dx[2], 1e-6f);
        assertEquals(4f, dx[3], 1e-6f);
      }
    }
  }

  @Test
  void networkWithTheUserLayerTrains() {
    Injector injector =
        injector(WITH_MODULE + LearningEndToEndTest.NETWORK.formatted("leaky-relu"));
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network network = spec.build(backend, backend.devices().get(0), 32, 5)) {
      assertInstanceOf(LeakyReluLayer.class, network.layers().get(1));
      TrainingRun run = new TrainingRun(backend, network, new BarsProblem(12, 17));
      float[] loss = run.train(200, new SgdHyperparameters(0.05f, 0.9f, 0.0005f), 5);
      assertTrue(loss[1] < 0.5 * loss[0], "loss fell from " + loss[0] + " to " + loss[1]);
      assertTrue(run.accuracy(4) > 0.6, "accuracy above chance (0.25)");
    }
  }
}
