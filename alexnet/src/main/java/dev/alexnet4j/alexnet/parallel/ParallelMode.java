package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/**
 * How several devices of one process share a network's work, chosen by name with {@code
 * alexnet4j.parallel} ({@link ParallelModes}). This module lists {@code model}, {@code data} and
 * {@code hybrid} in {@code META-INF/services/dev.alexnet4j.alexnet.parallel.ParallelMode}; another
 * arrangement is a class implementing this (most simply a {@link NamedParallelMode}), with a public
 * no-argument constructor, listed in its own jar's file of that name, as a backend is.
 *
 * <p>Whatever the arrangement, the result must train as the one-device network does and see its
 * parameters as whole tensors by name, so that checkpoints move between arrangements.
 */
public interface ParallelMode extends Arrangement {
  /** The name in config and on the command line. */
  String name();

  /**
   * Whether each device computes its own rows of the batch, so that the batch must divide evenly
   * over the devices: the command line then refuses such a batch before building anything.
   */
  boolean splitsBatch();

  /**
   * The network arranged over {@code devices}: on one device, the plain network whatever the mode.
   * The result owns everything it builds.
   */
  default TrainableNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      long seed,
      StageObserver observer) {
    return build(spec, backend, devices, batch, 0, seed, observer);
  }

  /**
   * Like {@link #build(NetworkSpec, Backend, List, int, long, StageObserver)} for rows {@code
   * [batchOffset, batchOffset + batch)} of a larger batch: one rank of a data-parallel job across
   * processes, whose dropout masks must be those of its rows in the job's batch.
   */
  default TrainableNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    if (devices.size() == 1) {
      return SingleDeviceNetwork.owning(
          backend, spec.buildReplica(backend, devices.get(0), batch, batchOffset, seed));
    }
    return arrange(spec, backend, devices, batch, batchOffset, seed, observer);
  }
}
