package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/**
 * {@code hybrid}: Krizhevsky 2014, "one weird trick": the convolutional layers data-parallel, the
 * fully connected layers (from the first dense layer on) model-parallel.
 */
public final class HybridParallelMode implements ParallelMode {
  public static final String NAME = "hybrid";

  @Override
  public String name() {
    return NAME;
  }

  /** The convolutional part computes each device's own rows. */
  @Override
  public boolean splitsBatch() {
    return true;
  }

  @Override
  public TrainableNetwork arrange(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    return HybridParallelNetwork.build(spec, backend, devices, batch, batchOffset, seed, observer);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
