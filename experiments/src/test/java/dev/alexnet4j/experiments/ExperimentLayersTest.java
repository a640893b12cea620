package dev.alexnet4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The experiments' own layer types, forward and backward, on the ND4J backend. */
class ExperimentLayersTest {
  private static Injector injector(String layers) {
    return Alexnet4j.createInjector(
        Alexnet4j.loadConfig(
            """
            alexnet4j.modules = ["%s", "%s"]
            alexnet4j.model = probe
            alexnet4j.models.probe { input = [1, 2, 2], layers = [ %s ] }
            """
                .formatted(TanhModule.class.getName(), ScaleModule.class.getName(), layers)));
  }

  private static float[][] forwardBackward(String layers, float[] x, float[] dy) {
    Injector injector = injector(layers);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class)) {
      Device device = backend.devices().get(0);
      Shape shape = Shape.nchw(1, 1, 2, 2);
      try (Network network = spec.build(backend, device, 1, 1);
          Tensor in = backend.upload(device, shape, x);
          Tensor grad = backend.upload(device, shape, dy)) {
        float[] y = backend.download(network.forward(in, Pass.inference()));
        float[] dx = backend.download(network.layers().get(0).backward(grad));
        return new float[][] {y, dx};
      }
    }
  }

  @Test
  void tanhIsTanhWithItsDerivative() {
    float[] x = {-2, -0.5f, 0, 1};
    float[][] r = forwardBackward("{ name = t, type = tanh }", x, new float[] {1, 2, 3, 4});
    float[] y = new float[4];
    float[] dx = new float[4];
    for (int i = 0; i < 4; i++) {
      y[i] = (float) Math.tanh(x[i]);
      dx[i] = (i + 1) * (1 - y[i] * y[i]);
    }
    assertArrayEquals(y, r[0], 1e-6f);
    assertArrayEquals(dx, r[1], 1e-5f);
  }

  @Test
  void scaleMultipliesBothWays() {
    float[][] r =
        forwardBackward(
            "{ name = s, type = scale, factor = 0.25 }",
            new float[] {-8, 4, 0, 255},
            new float[] {1, -2, 3, 40});
    assertArrayEquals(new float[] {-2, 1, 0, 63.75f}, r[0], 1e-6f);
    assertArrayEquals(new float[] {0.25f, -0.5f, 0.75f, 10}, r[1], 1e-6f);
  }

  @Test
  void scaleNeedsAPositiveFactor() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                injector("{ name = s, type = scale, factor = 0 }")
                    .getInstance(NetworkParser.class)
                    .parse());
    assertTrue(e.getMessage().contains("factor"), e.getMessage());
  }
}
