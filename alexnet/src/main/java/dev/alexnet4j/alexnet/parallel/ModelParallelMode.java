package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/** {@code model}: the paper's split, every layer's output channels divided over the devices. */
public final class ModelParallelMode implements ParallelMode {
  public static final String NAME = "model";

  @Override
  public String name() {
    return NAME;
  }

  /** Every device sees the whole batch, so any batch size goes. */
  @Override
  public boolean splitsBatch() {
    return false;
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
    return new ModelParallelTrainable(
        backend,
        ModelParallelNetwork.build(spec, backend, devices, batch, batchOffset, seed, observer),
        ParallelSpecs.classes(spec));
  }

  @Override
  public String toString() {
    return NAME;
  }
}
