package dev.alexnet4j.api.distributed;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.OptionalInt;

/**
 * The collective operations data-parallel training needs across processes, in the style Horovod
 * made standard: every rank calls the same operations in the same order. Buffers are direct, so an
 * implementation over a native library (MPI, NCCL) passes their addresses without copying.
 *
 * <p>Implementations: {@link LocalCollective} (one process, the default), and MPI and NCCL from the
 * {@code distributed} module, found through {@link CollectiveProvider}.
 */
public interface Collective extends AutoCloseable {
  /** The name it is chosen by ({@code local}, {@code mpi}, {@code nccl}). */
  String name();

  /** This process's rank, from 0. */
  int rank();

  /** How many ranks take part. */
  int size();

  /** This process's rank among the ranks on its machine (to pick its GPU). */
  int localRank();

  /**
   * The GPU (CUDA device ordinal) this rank's collective works on, which the rank's network must
   * then be built on, alone; empty for a collective that uses no GPU (local, mpi).
   */
  default OptionalInt gpu() {
    return OptionalInt.empty();
  }

  /**
   * Replaces {@code data[0, count)} on every rank with the element-wise sum over all ranks.
   *
   * @param data a direct buffer; its position and limit are ignored
   */
  void allreduceSum(FloatBuffer data, int count);

  /** Copies {@code data[0, count)} of rank {@code root} into every rank's {@code data}. */
  void broadcast(FloatBuffer data, int count, int root);

  /** Copies {@code data[0, bytes)} of rank {@code root} into every rank's {@code data}. */
  void broadcast(ByteBuffer data, int bytes, int root);

  /** Returns once every rank has called it. */
  void barrier();

  /** Whether this rank writes checkpoints, logs and charts (rank 0). */
  default boolean isRoot() {
    return rank() == 0;
  }

  @Override
  void close();
}
