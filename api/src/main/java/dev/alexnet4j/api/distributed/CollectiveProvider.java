package dev.alexnet4j.api.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;

/**
 * A way to run collectives across processes, listed in {@code
 * META-INF/services/dev.alexnet4j.api.distributed.CollectiveProvider} and chosen by name through
 * {@link Collectives} (as backends are): the api provides {@code local}, the {@code distributed}
 * module {@code mpi} and {@code nccl}. A new one needs a public no-argument constructor.
 */
public interface CollectiveProvider {
  /** The name it is chosen by ({@code alexnet4j.distributed.collective}, {@code --dist}). */
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
