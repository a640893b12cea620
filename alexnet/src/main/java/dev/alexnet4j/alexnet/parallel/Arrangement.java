package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/** How a {@link ParallelMode} lays a network over two or more devices. */
@FunctionalInterface
public interface Arrangement {
  /**
   * The network over two or more devices; it owns everything it builds.
   *
   * @param batch the rows of one step
   * @param batchOffset where those rows start in a larger batch (one rank of a data-parallel job
   *     across processes), whose dropout masks they must use
   * @param observer told when each piece of device work runs ({@link StageObserver#NONE} for none)
   */
  TrainableNetwork arrange(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer);
}
