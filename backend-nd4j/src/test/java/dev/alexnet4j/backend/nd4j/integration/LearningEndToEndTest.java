package dev.alexnet4j.backend.nd4j.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.backend.nd4j.Nd4jBackend;
import dev.alexnet4j.backend.nd4j.Nd4jConvolutionPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Learning works end to end: a small conv net declared in config, with every standard layer type,
 * built through the injector on the ND4J backend, learns a problem made in the test.
 */
class LearningEndToEndTest {
  static final String NETWORK =
      """
      alexnet4j {
        backend = nd4j
        seed = 3
        model = bars
        models.bars {
          input = [1, 12, 12]
          layers = [
            { name = conv1, type = conv, filters = 8, kernel = 3, padding = 1, weight-std = 0.1 }
            { name = relu1, type = %s }
            { name = lrn1, type = lrn, groups = 2 }
            { name = pool1, type = maxpool }
            { name = conv2, type = conv, filters = 8, kernel = 3, padding = 1, groups = 2, weight-std = 0.1, bias-init = 0.1 }
            { name = relu2, type = relu }
            { name = pool2, type = maxpool }
            { name = flat, type = flatten }
            { name = fc3, type = dense, units = 32, weight-std = 0.1, bias-init = 0.1 }
            { name = relu3, type = relu }
            { name = drop3, type = dropout, rate = 0.2 }
            { name = fc4, type = dense, units = 4, weight-std = 0.1 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
      }
      """;

  @ParameterizedTest(name = "alexnet4j.nd4j.convolution = {0}")
  @ValueSource(strings = {"libnd4j", "onednn"})
  void smallConvNetLearnsBars(String convolution) {
    Injector injector =
        Alexnet4j.createInjector(
            Alexnet4j.loadConfig(
                NETWORK.formatted("relu") + "\nalexnet4j.nd4j.convolution = " + convolution));
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class);
        Network network = spec.build(backend, backend.devices().get(0), 32, 3)) {
      assertEquals("nd4j", backend.name());
      assertEquals(
          Nd4jConvolutionPath.fromConfig(convolution),
          ((Nd4jBackend) backend).settings().convolution());
      TrainingRun run = new TrainingRun(backend, network, new BarsProblem(12, 11));
      double before = run.accuracy(4);
      float[] loss = run.train(300, new SgdHyperparameters(0.05f, 0.9f, 0.0005f), 3);
      double after = run.accuracy(8);
      // Softmax over 4 classes starts near ln 4 = 1.386.
      assertEquals(Math.log(4), loss[0], 0.15, "initial loss");
      assertTrue(loss[1] < 0.3 * loss[0], "loss fell from " + loss[0] + " to " + loss[1]);
      assertTrue(after > 0.85, "accuracy " + before + " -> " + after + " (chance 0.25)");
    }
  }
}
