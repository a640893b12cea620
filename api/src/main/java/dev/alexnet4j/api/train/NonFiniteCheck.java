package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.network.Network;
import java.util.List;

/**
 * Finds where values went bad: checks run on the backend (a sum of squares is NaN or infinite as
 * soon as one element is), so only one number per tensor comes back to the host.
 */
final class NonFiniteCheck {
  private final Backend backend;
  private final Network network;

  NonFiniteCheck(Backend backend, Network network) {
    this.backend = backend;
    this.network = network;
  }

  /**
   * Throws if any parameter gradient is not finite, naming the first layer in backpropagation order
   * (from the loss down) whose gradient went bad.
   */
  void requireFiniteGradients(long step) {
    List<Layer> layers = network.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      for (Parameter p : layers.get(i).parameters()) {
        if (!Double.isFinite(backend.sumOfSquares(p.gradient()))) {
          throw new NonFiniteException(
              step, layers.get(i).name(), "the gradient of " + p.name() + " is not finite");
        }
      }
    }
  }

  /** Throws for a loss that is not finite, naming the first layer with bad outputs. */
  void requireFiniteLoss(long step, float loss) {
    if (!Float.isFinite(loss)) {
      throw new NonFiniteException(step, firstBadLayer(), "the loss is " + loss);
    }
  }

  private String firstBadLayer() {
    String output = firstBadOutput();
    if (output != null) {
      return output;
    }
    for (Layer layer : network.layers()) {
      for (Parameter p : layer.parameters()) {
        if (!Double.isFinite(backend.sumOfSquares(p.value()))) {
          return layer.name();
        }
      }
    }
    return null;
  }

  private String firstBadOutput() {
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      var out = network.lastOutput(i);
      if (out != null && !Double.isFinite(backend.sumOfSquares(out))) {
        return layers.get(i).name();
      }
    }
    return null;
  }
}
