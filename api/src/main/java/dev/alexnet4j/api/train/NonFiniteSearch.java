package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * Finds where values went bad in a network on one device. The checks run on the backend (a sum of
 * squares is NaN or infinite as soon as one element is), so one number per tensor comes back.
 */
public final class NonFiniteSearch {
  private NonFiniteSearch() {}

  /** The first layer from the loss down with a non-finite parameter gradient, or null. */
  public static NonFiniteValue gradients(Backend backend, Network network) {
    List<Layer> layers = network.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      for (Parameter p : layers.get(i).parameters()) {
        if (!Double.isFinite(backend.sumOfSquares(p.gradient()))) {
          return new NonFiniteValue(
              layers.get(i).name(), "the gradient of " + p.name() + " is not finite");
        }
      }
    }
    return null;
  }

  /**
   * The first layer from the input up whose last output is not finite; failing that, the first with
   * a non-finite parameter; null when none.
   */
  public static NonFiniteValue layers(Backend backend, Network network) {
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      Tensor out = network.lastOutput(i);
      if (out != null && !Double.isFinite(backend.sumOfSquares(out))) {
        return new NonFiniteValue(layers.get(i).name(), "its output is not finite");
      }
    }
    for (Layer layer : layers) {
      for (Parameter p : layer.parameters()) {
        if (!Double.isFinite(backend.sumOfSquares(p.value()))) {
          return new NonFiniteValue(layer.name(), p.name() + " is not finite");
        }
      }
    }
    return null;
  }
}
