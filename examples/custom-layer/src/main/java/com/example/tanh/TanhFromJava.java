package com.example.tanh;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;

/**
 * The layer from Java: a one-layer network {@code tanh}, its forward and backward on the configured backend. Run with the backend on the
 * class path: {@code mvn -q compile exec:java}.
 */
public final class TanhFromJava {
  private TanhFromJava() {}

  public static void main(String[] args) {
    Injector injector =
        Alexnet4j.createInjector(
            Alexnet4j.loadConfig(
                """
                alexnet4j.modules = ["com.example.tanh.TanhModule"]
                alexnet4j.model = just-tanh
                alexnet4j.models.just-tanh {
                  input = [1, 2, 2]
                  layers = [ { name = act, type = tanh } ]
                }
                """));
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    try (Backend backend = injector.getInstance(Backend.class)) {
      Device device = backend.devices().get(0);
      Shape shape = Shape.nchw(1, 1, 2, 2);
      try (Network network = spec.build(backend, device, 1, 1);
          Tensor x = backend.upload(device, shape, new float[] {-2, -0.5f, 0, 1});
          Tensor dy = backend.upload(device, shape, new float[] {1, 1, 1, 1})) {
        float[] y = backend.download(network.forward(x, Pass.inference()));
        float[] dx = backend.download(network.layers().get(0).backward(dy));
        System.out.println("tanh(x)   = " + Arrays.toString(y));
        System.out.println("1 - y^2   = " + Arrays.toString(dx));
      }
    }
  }
}
