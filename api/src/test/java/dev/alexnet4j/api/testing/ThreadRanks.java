package dev.alexnet4j.api.testing;

import dev.alexnet4j.api.distributed.Collective;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A world of ranks that are threads of one JVM, for tests of code written against {@link
 * Collective}: the same semantics as MPI's (every rank calls the same operations in the same order;
 * sums in rank order), without launching processes. A rank that does not arrive within the timeout
 * breaks the barrier for all, as a dead MPI rank ends its job.
 */
public final class ThreadRanks {
  private final int size;
  private final CyclicBarrier barrier;
  private final Object[] slots;
  private final long timeoutSeconds;

  public ThreadRanks(int size, long timeoutSeconds) {
    this.size = size;
    this.barrier = new CyclicBarrier(size);
    this.slots = new Object[size];
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The collective rank {@code rank} uses; call each from its own thread. */
  public Collective rank(int rank) {
    return new Rank(rank);
  }

  /** The collectives of every rank, in rank order. */
  public List<Collective> ranks() {
    List<Collective> all = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      all.add(rank(r));
    }
    return all;
  }

  private void await(String operation, int rank) {
    try {
      barrier.await(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(operation + " on rank " + rank + " interrupted", e);
    } catch (BrokenBarrierException | TimeoutException e) {
      throw new IllegalStateException(
          operation + " on rank " + rank + ": another rank did not arrive", e);
    }
  }

  private final class Rank implements Collective {
    private final int rank;

    Rank(int rank) {
      this.rank = rank;
    }

    @Override
    public String name() {
      return "threads";
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
      return rank;
    }

    @Override
    public void allreduceSum(FloatBuffer data, int count) {
      slots[rank] = data;
      await("allreduce", rank);
      float[] sum = new float[count];
      for (int r = 0; r < size; r++) {
        FloatBuffer other = (FloatBuffer) slots[r];
        for (int i = 0; i < count; i++) {
          sum[i] += other.get(i);
        }
      }
      await("allreduce", rank);
      data.put(0, sum, 0, count);
      await("allreduce", rank);
    }

    @Override
    public void broadcast(FloatBuffer data, int count, int root) {
      slots[rank] = data;
      await("broadcast", rank);
      if (rank != root) {
        FloatBuffer source = (FloatBuffer) slots[root];
        for (int i = 0; i < count; i++) {
          data.put(i, source.get(i));
        }
      }
      await("broadcast", rank);
    }

    @Override
    public void broadcast(ByteBuffer data, int bytes, int root) {
      slots[rank] = data;
      await("broadcast", rank);
      if (rank != root) {
        ByteBuffer source = (ByteBuffer) slots[root];
        for (int i = 0; i < bytes; i++) {
          data.put(i, source.get(i));
        }
      }
      await("broadcast", rank);
    }

    @Override
    public void barrier() {
      await("barrier", rank);
    }

    @Override
    public void close() {}
  }
}
