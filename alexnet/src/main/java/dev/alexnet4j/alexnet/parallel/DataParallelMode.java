package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/** {@code data}: a full replica per device on its rows of the batch; gradients averaged. */
public final class DataParallelMode implements ParallelMode {
  public static final String NAME = "data";

  @Override
  public String name() {
    return NAME;
  }

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
    return DataParallelNetwork.build(spec, backend, devices, batch, batchOffset, seed, observer);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
