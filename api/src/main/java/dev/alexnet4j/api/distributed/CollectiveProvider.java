package dev.alexnet4j.api.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;

/**
 * A way to run collectives across processes, found through {@link java.util.ServiceLoader} (as
 * backends are): the {@code distributed} module provides {@code mpi} and {@code nccl}.
 */
public interface CollectiveProvider {
  /** The name {@code --dist} selects it by. */
  String name();

  /** Whether it can run here, and if not, exactly what is missing. */
  Availability availability();

  /**
   * Joins the job this process was launched in (e.g. by {@code mpirun}), with the settings in
   * {@code config} (the {@code alexnet4j.distributed} block of the distributed module: the hang
   * timeout, for one).
   *
   * @throws IllegalStateException naming what is missing when {@link #availability()} says no
   */
  Collective open(Config config);
}
