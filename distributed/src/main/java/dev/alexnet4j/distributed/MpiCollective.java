package dev.alexnet4j.distributed;

import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntConsumer;

/**
 * Collectives over Open MPI, on the caller's direct buffers (MPI reads and writes them in place, no
 * copy). Launch with {@code mpirun}; every rank must call the same operations in the same order,
 * one thread at a time.
 *
 * <p>Each operation runs under a {@link HangWatchdog}: one that has not returned after {@code
 * alexnet4j.distributed.timeout-seconds} logs an error naming this rank and the operation and calls
 * {@code MPI_Abort}, so a hung peer ends the job instead of stalling it forever. After a failed
 * operation, {@link #close()} aborts the job rather than finalizing, since the other ranks are
 * still waiting in that operation.
 */
public final class MpiCollective implements Collective {
  public static final String NAME = "mpi";

  /** The exit code of a job ended by the watchdog: timeout(1)'s convention. */
  static final int HANG_EXIT_CODE = 124;

  /** The exit code of a job aborted after a failed collective. */
  static final int FAILURE_EXIT_CODE = 1;

  static final String LOCAL_RANK_VARIABLE = "OMPI_COMM_WORLD_LOCAL_RANK";

  private final OpenMpi mpi;
  private final int rank;
  private final int size;
  private final LocalRank localRank;
  private final boolean ownsMpi;
  private final HangWatchdog watchdog;
  private volatile String failure;
  private boolean closed;

  private MpiCollective(
      OpenMpi mpi,
      int rank,
      int size,
      LocalRank localRank,
      boolean ownsMpi,
      Duration timeout,
      IntConsumer halt) {
    this.mpi = mpi;
    this.rank = rank;
    this.size = size;
    this.localRank = localRank;
    this.ownsMpi = ownsMpi;
    this.watchdog =
        new HangWatchdog(
            timeout,
            label(rank, size),
            message -> {
              try {
                mpi.abort(HANG_EXIT_CODE);
              } finally {
                // MPI_Abort does not return; if it ever does, the process must still end.
                halt.accept(HANG_EXIT_CODE);
              }
            });
  }

  /** Joins the job this process was launched in by {@code mpirun}. */
  public static MpiCollective open(DistributedSettings settings) {
    Map<String, String> env = System.getenv();
    String before = "rank " + env.getOrDefault("OMPI_COMM_WORLD_RANK", "?") + " (before MPI_Init)";
    return join(
        OpenMpi.load(before),
        settings.timeout(),
        settings.localRank(),
        env,
        Runtime.getRuntime()::halt);
  }

  static MpiCollective join(
      OpenMpi mpi, Duration timeout, Map<String, String> env, IntConsumer halt) {
    return join(mpi, timeout, OptionalInt.empty(), env, halt);
  }

  /**
   * Initializes MPI unless something in this process already did (then it also leaves finalizing to
   * that owner), and reads rank, size and local rank.
   *
   * @param localRank the configured local rank; empty to read the launcher's ({@link LocalRank})
   * @param halt ends the process with a code if {@code MPI_Abort} ever returns
   */
  static MpiCollective join(
      OpenMpi mpi,
      Duration timeout,
      OptionalInt localRank,
      Map<String, String> env,
      IntConsumer halt) {
    if (mpi.finalized()) {
      throw new CollectiveException(
          "MPI was already finalized in this process and cannot start again; open the mpi"
              + " collective once per process and close it at the end of the run");
    }
    boolean ownsMpi = !mpi.initialized();
    if (ownsMpi) {
      // MULTIPLE so that the watchdog's thread may call MPI_Abort while the caller's thread is
      // blocked in a collective; SERIALIZED at least, as Java cannot promise one calling thread.
      int provided = mpi.initThread(OpenMpi.MPI_THREAD_MULTIPLE);
      if (provided < OpenMpi.MPI_THREAD_SERIALIZED) {
        mpi.finalizeMpi();
        throw new CollectiveException(
            "MPI_Init_thread provided thread level "
                + provided
                + " but the mpi collective needs MPI_THREAD_SERIALIZED (2) or better; use an Open"
                + " MPI built with thread support");
      }
    }
    mpi.returnErrors();
    int rank = mpi.commRank();
    int size = mpi.commSize();
    mpi.rankLabel(label(rank, size));
    LocalRank local = LocalRank.resolve(localRank, env, label(rank, size));
    return new MpiCollective(mpi, rank, size, local, ownsMpi, timeout, halt);
  }

  private static String label(int rank, int size) {
    return "rank " + rank + " of " + size;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int localRank() {
    return localRank.value();
  }

  /** The local rank with where it came from, for messages about the GPU it selects. */
  LocalRank localRankOrigin() {
    return localRank;
  }

  @Override
  public void allreduceSum(FloatBuffer data, int count) {
    String operation = "MPI_Allreduce of " + count + " floats";
    CollectiveArguments.requireDirect(operation, data, count);
    run(operation, () -> mpi.allreduceSumInPlace(data, count));
  }

  @Override
  public void broadcast(FloatBuffer data, int count, int root) {
    String operation = "MPI_Bcast of " + count + " floats from rank " + root;
    CollectiveArguments.requireDirect(operation, data, count);
    CollectiveArguments.requireRoot(operation, root, size);
    run(operation, () -> mpi.broadcastFloats(data, count, root));
  }

  @Override
  public void broadcast(ByteBuffer data, int bytes, int root) {
    String operation = "MPI_Bcast of " + bytes + " bytes from rank " + root;
    CollectiveArguments.requireDirect(operation, data, bytes);
    CollectiveArguments.requireRoot(operation, root, size);
    run(operation, () -> mpi.broadcastBytes(data, bytes, root));
  }

  @Override
  public void barrier() {
    run("MPI_Barrier", mpi::barrier);
  }

  private void run(String operation, Runnable call) {
    requireOpen(operation);
    try {
      watchdog.guard(operation, call);
    } catch (RuntimeException e) {
      failure = e.getMessage();
      throw e;
    }
  }

  private void requireOpen(String operation) {
    if (closed) {
      throw new IllegalStateException(
          operation + " on " + label(rank, size) + ": collective is closed");
    }
  }

  /**
   * Ends every rank of the job now ({@code MPI_Abort}), for a rank that cannot go on (a non-finite
   * loss, a failed checkpoint): the others would otherwise wait for it until their timeout.
   */
  public void abort(String reason, int exitCode) {
    System.err.println("ERROR " + label(rank, size) + ": aborting the job: " + reason);
    System.err.flush();
    mpi.abort(exitCode);
  }

  /**
   * Finalizes MPI (if this collective initialized it), under the watchdog since {@code
   * MPI_Finalize} waits for every rank; after a failed operation, aborts the job instead.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failure != null) {
        abort("an earlier collective failed: " + failure, FAILURE_EXIT_CODE);
      } else if (ownsMpi) {
        watchdog.guard("MPI_Finalize", mpi::finalizeMpi);
      }
    } finally {
      watchdog.close();
    }
  }
}
