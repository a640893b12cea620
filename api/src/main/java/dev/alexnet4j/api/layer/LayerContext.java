package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.tensor.Device;

/** What a layer is built with: the backend and device it runs on and its parameters. */
public interface LayerContext {
  Backend backend();

  Device device();

  /**
   * Allocates the parameter on the device, initialised as its spec says (deterministic per name).
   */
  Parameter parameter(ParameterSpec spec);

  /**
   * Whether the layer must return an input gradient from backward; false for the first layer of a
   * network, whose input is data.
   */
  boolean inputGradient();

  /**
   * Where this copy's batch starts in the whole batch: non-zero for a data-parallel replica, so
   * that layers keyed by sample index (dropout) act as on the unsplit batch.
   */
  default int batchOffset() {
    return 0;
  }
}
