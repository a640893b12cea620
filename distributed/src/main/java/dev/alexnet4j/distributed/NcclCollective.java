package dev.alexnet4j.distributed;

import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.OptionalInt;

/**
 * Collectives over NCCL on one GPU per rank, bootstrapped over MPI as Horovod does: every rank
 * selects the GPU of its local rank, rank 0 creates NCCL's unique id, MPI broadcasts it, and all
 * ranks join the communicator with it. Barriers go through MPI.
 *
 * <p><b>Current limitation:</b> {@link Collective} hands over host buffers, so each operation
 * stages through a device buffer: copy to the GPU, NCCL on the GPU, copy back. That costs two PCIe
 * copies per step which a device-buffer API (gradients that never leave the GPU) would save; NCCL's
 * own transfer between GPUs (NVLink, InfiniBand with GPUDirect) is what it brings.
 *
 * <p>Like {@link MpiCollective}, each operation runs under the hang watchdog, which aborts NCCL's
 * communicator and then the MPI job.
 */
public final class NcclCollective implements Collective {
  public static final String NAME = "nccl";

  /** First byte of the id broadcast: whether rank 0 could make the id at all. */
  private static final byte ID_OK = 1;

  private static final byte ID_FAILED = 0;

  private final NcclCalls calls;
  private final Collective bootstrap;
  private final int gpu;
  private final HangWatchdog watchdog;
  private long stagingBytes;
  private boolean closed;

  private NcclCollective(NcclCalls calls, Collective bootstrap, int gpu, HangWatchdog watchdog) {
    this.calls = calls;
    this.bootstrap = bootstrap;
    this.gpu = gpu;
    this.watchdog = watchdog;
  }

  /** Joins the job {@code mpirun} launched, on the GPU of this rank's local rank. */
  public static NcclCollective open(DistributedSettings settings) {
    MpiCollective mpi = MpiCollective.open(settings);
    try {
      NcclCalls calls = new BytedecoNcclCalls();
      HangWatchdog watchdog =
          new HangWatchdog(
              settings.timeout(),
              "rank " + mpi.rank() + " of " + mpi.size() + " (nccl)",
              message -> {
                try {
                  calls.ncclCommAbort();
                  mpi.abort(message, MpiCollective.HANG_EXIT_CODE);
                } finally {
                  // MPI_Abort does not return; if it ever does, the process must still end.
                  Runtime.getRuntime().halt(MpiCollective.HANG_EXIT_CODE);
                }
              });
      return join(calls, mpi, mpi.localRankOrigin(), watchdog);
    } catch (RuntimeException e) {
      // The peers are in the bootstrap broadcast or NCCL's init, waiting for this rank.
      mpi.abort("NCCL set-up failed: " + e.getMessage(), MpiCollective.FAILURE_EXIT_CODE);
      throw e;
    }
  }

  /**
   * {@link #join(NcclCalls, Collective, LocalRank, HangWatchdog)} with the bootstrap's local rank.
   */
  static NcclCollective join(NcclCalls calls, Collective bootstrap, HangWatchdog watchdog) {
    LocalRank local =
        new LocalRank(bootstrap.localRank(), "local rank " + bootstrap.localRank(), true);
    return join(calls, bootstrap, local, watchdog);
  }

  /**
   * The bootstrap: the GPU of the local rank (checked against the GPUs this process sees), the
   * unique id made on rank 0 and broadcast over {@code bootstrap}, then {@code ncclCommInitRank}
   * with this rank and the world size.
   *
   * @param local this rank's local rank, which is its GPU, with where it came from
   */
  static NcclCollective join(
      NcclCalls calls, Collective bootstrap, LocalRank local, HangWatchdog watchdog) {
    NcclCollective collective = new NcclCollective(calls, bootstrap, local.value(), watchdog);
    collective.selectGpu(local);
    byte[] id = collective.shareUniqueId();
    watchdog.guard(
        "ncclCommInitRank",
        () ->
            collective.nccl(
                "ncclCommInitRank(size " + bootstrap.size() + ", rank " + bootstrap.rank() + ")",
                calls.ncclCommInitRank(bootstrap.size(), id, bootstrap.rank())));
    collective.cuda("cudaStreamCreate", calls.cudaStreamCreate());
    return collective;
  }

  /**
   * {@code cudaSetDevice(local rank)}, after checking that this process sees that GPU: otherwise
   * the error names where the local rank came from, the GPUs seen and what to change. Several ranks
   * of a machine without a launcher's local rank would all take GPU 0, so that is refused.
   */
  private void selectGpu(LocalRank local) {
    if (!local.fromLauncher() && size() > 1) {
      throw new CollectiveException(
          "cannot tell which GPU "
              + rankLabel()
              + " should use: none of "
              + String.join(", ", LocalRank.VARIABLES)
              + " is set, so every rank of a machine would take GPU 0; launch with Open MPI's"
              + " mpirun, or set "
              + LocalRank.KEY
              + " for each rank");
    }
    int[] count = new int[1];
    cuda("cudaGetDeviceCount", calls.cudaGetDeviceCount(count));
    if (gpu >= count[0]) {
      String visible = System.getenv("CUDA_VISIBLE_DEVICES");
      throw new CollectiveException(
          rankLabel()
              + " would use GPU "
              + gpu
              + ", its local rank ("
              + local.origin()
              + "), but this machine shows "
              + count[0]
              + (count[0] == 1 ? " GPU" : " GPUs")
              + (visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + ")")
              + ": start at most "
              + count[0]
              + " ranks per machine (Open MPI: mpirun --map-by ppr:"
              + Math.max(1, count[0])
              + ":node), or make more GPUs visible to the job");
    }
    cuda("cudaSetDevice(" + gpu + ")", calls.cudaSetDevice(gpu));
  }

  private byte[] shareUniqueId() {
    ByteBuffer message = ByteBuffer.allocateDirect(1 + NcclCalls.UNIQUE_ID_BYTES);
    byte[] id = new byte[NcclCalls.UNIQUE_ID_BYTES];
    String rootFailure = null;
    if (bootstrap.rank() == 0) {
      int status = calls.ncclGetUniqueId(id);
      if (status != 0) {
        rootFailure = failure("NCCL", "ncclGetUniqueId", status, calls.ncclErrorString(status));
      }
      // Sent even on failure, so the other ranks learn of it instead of waiting for an id.
      message.put(0, rootFailure == null ? ID_OK : ID_FAILED);
      message.put(1, id);
    }
    bootstrap.broadcast(message, message.capacity(), 0);
    if (rootFailure != null) {
      throw new CollectiveException(rootFailure);
    }
    if (message.get(0) != ID_OK) {
      throw new CollectiveException(
          "rank 0 could not create NCCL's unique id, so "
              + rankLabel()
              + " cannot join the communicator; see rank 0's error");
    }
    message.get(1, id);
    return id;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int rank() {
    return bootstrap.rank();
  }

  @Override
  public int size() {
    return bootstrap.size();
  }

  @Override
  public int localRank() {
    return bootstrap.localRank();
  }

  /** The GPU of this rank's local rank: NCCL's, and the one its network must be built on. */
  @Override
  public OptionalInt gpu() {
    return OptionalInt.of(gpu);
  }

  @Override
  public void allreduceSum(FloatBuffer data, int count) {
    String operation = "ncclAllReduce of " + count + " floats";
    CollectiveArguments.requireDirect(operation, data, count);
    long bytes = (long) count * Float.BYTES;
    run(
        operation,
        data,
        bytes,
        () -> nccl("ncclAllReduce(" + count + " floats, sum)", calls.ncclAllReduceSum(count)));
  }

  @Override
  public void broadcast(FloatBuffer data, int count, int root) {
    String operation = "ncclBroadcast of " + count + " floats from rank " + root;
    CollectiveArguments.requireDirect(operation, data, count);
    CollectiveArguments.requireRoot(operation, root, size());
    broadcastBytes(operation, data, (long) count * Float.BYTES, root);
  }

  @Override
  public void broadcast(ByteBuffer data, int bytes, int root) {
    String operation = "ncclBroadcast of " + bytes + " bytes from rank " + root;
    CollectiveArguments.requireDirect(operation, data, bytes);
    CollectiveArguments.requireRoot(operation, root, size());
    broadcastBytes(operation, data, bytes, root);
  }

  private void broadcastBytes(String operation, Buffer data, long bytes, int root) {
    run(
        operation,
        data,
        bytes,
        () ->
            nccl(
                "ncclBroadcast(" + bytes + " bytes, root " + root + ")",
                calls.ncclBroadcast(bytes, root)));
  }

  /** Through MPI: NCCL has no barrier, and every NCCL operation here is already synchronous. */
  @Override
  public void barrier() {
    requireOpen("barrier");
    bootstrap.barrier();
  }

  /** Host to staging, the NCCL call, wait for it, staging to host; all under the watchdog. */
  private void run(String operation, Buffer host, long bytes, Runnable ncclCall) {
    requireOpen(operation);
    watchdog.guard(
        operation,
        () -> {
          ensureStaging(bytes);
          cuda(
              "cudaMemcpy host to device (" + bytes + " bytes)",
              calls.cudaMemcpyToStaging(host, bytes));
          ncclCall.run();
          cuda("cudaStreamSynchronize", calls.cudaStreamSynchronize());
          cuda(
              "cudaMemcpy device to host (" + bytes + " bytes)",
              calls.cudaMemcpyFromStaging(host, bytes));
        });
  }

  // Grows only: training repeats the same sizes, and a cudaMalloc per step would serialize the GPU.
  private void ensureStaging(long bytes) {
    if (bytes > stagingBytes) {
      cuda("cudaMalloc(" + bytes + " bytes of staging)", calls.cudaMallocStaging(bytes));
      stagingBytes = bytes;
    }
  }

  private void requireOpen(String operation) {
    if (closed) {
      throw new IllegalStateException(operation + " on " + rankLabel() + ": collective is closed");
    }
  }

  private void cuda(String call, int status) {
    if (status != 0) {
      throw new CollectiveException(failure("CUDA", call, status, calls.cudaErrorString(status)));
    }
  }

  private void nccl(String call, int status) {
    if (status != 0) {
      throw new CollectiveException(failure("NCCL", call, status, calls.ncclErrorString(status)));
    }
  }

  private String failure(String library, String call, int status, String text) {
    return call
        + " failed with "
        + library
        + " status "
        + status
        + " ("
        + text
        + ") on "
        + rankLabel()
        + ", GPU "
        + gpu;
  }

  private String rankLabel() {
    return "rank " + rank() + " of " + size();
  }

  /** Destroys the communicator, frees the GPU buffers, then closes the MPI bootstrap. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      nccl("ncclCommDestroy", calls.ncclCommDestroy());
      cuda("cudaFree / cudaStreamDestroy", calls.cudaRelease());
    } finally {
      watchdog.close();
      bootstrap.close();
    }
  }
}
