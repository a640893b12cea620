package dev.alexnet4j.api.train;

import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.data.Shard;
import dev.alexnet4j.api.data.ShardedDataSource;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.GradientBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's side of data parallelism across processes (Horovod's recipe): every rank trains the
 * same network on its shard of each step's batch, starts from rank 0's weights, and averages the
 * gradients with one allreduce per step, so every rank applies the same update and the job trains
 * as one process would on the whole batch. With {@code syncEvery} K > 1, ranks step on their own
 * gradients and average their weights every K steps instead (less traffic, not the same
 * trajectory).
 */
final class DataParallelRanks {
  private final Collective collective;
  private final int syncEvery;
  private final FloatBuffer flags = direct(2);
  private final FloatBuffer sums = direct(4);
  private final FloatBuffer count = direct(1);
  private GradientBuffer gradients;
  // Weights and momentum end to end, for the broadcast and the sync-every averaging: allocated
  // once, as direct memory is freed only when the collector gets to it.
  private FloatBuffer state;

  DataParallelRanks(Collective collective, int syncEvery) {
    if (syncEvery < 1) {
      throw new IllegalArgumentException("sync-every must be at least 1, got " + syncEvery);
    }
    this.collective = collective;
    this.syncEvery = syncEvery;
  }

  boolean distributed() {
    return collective.size() > 1;
  }

  int worldSize() {
    return collective.size();
  }

  boolean isRoot() {
    return collective.isRoot();
  }

  Collective collective() {
    return collective;
  }

  /** This rank's shard of the training data: full steps only, the same count on every rank. */
  DataSource trainingShard(DataSource data, int batch) {
    return distributed()
        ? new ShardedDataSource(data, new Shard(collective.rank(), collective.size(), false), batch)
        : data;
  }

  /** This rank's shard of an evaluation set: every image counted once over all ranks. */
  DataSource evaluationShard(DataSource data, int rows) {
    if (!distributed() || data == null) {
      return data;
    }
    int images = rows / data.viewsPerImage();
    return new ShardedDataSource(
        data, new Shard(collective.rank(), collective.size(), true), images);
  }

  /** Gives every rank rank 0's weights and momentum. */
  void broadcastState(TrainableNetwork model) {
    if (!distributed()) {
      return;
    }
    Map<String, NpyArray> values = model.parameters();
    Map<String, NpyArray> velocities = model.velocities();
    FloatBuffer packed = pack(values, velocities);
    collective.broadcast(packed, packed.capacity(), 0);
    model.restore(unpack(packed, values, 0, 1), unpack(packed, velocities, count(values), 1));
  }

  /**
   * Whether every rank has a full batch for the next step and none was asked to stop; all ranks get
   * the same answer, so they take the same steps.
   *
   * @return 1 go on, 0 the data ended somewhere, -1 a stop was requested somewhere
   */
  int agreeOnStep(boolean haveBatch, boolean stopRequested) {
    if (!distributed()) {
      return stopRequested ? -1 : haveBatch ? 1 : 0;
    }
    flags.put(0, haveBatch ? 1f : 0f);
    flags.put(1, stopRequested ? 1f : 0f);
    collective.allreduceSum(flags, 2);
    if (flags.get(1) > 0) {
      return -1;
    }
    return flags.get(0) == collective.size() ? 1 : 0;
  }

  /** After backward: every rank's gradients become their mean over the ranks. */
  void exchangeGradients(TrainableNetwork model) {
    if (!distributed() || syncEvery > 1) {
      return;
    }
    if (gradients == null) {
      // Built on first use: the gradient tensors are fixed for the network's life.
      gradients = new GradientBuffer(model.backend(), model.gradients());
    }
    gradients.allreduceMean(collective);
  }

  /** After update number {@code stepsDone}: with sync-every K, every K steps, average weights. */
  void afterUpdate(TrainableNetwork model, long stepsDone) {
    if (!distributed() || syncEvery == 1 || stepsDone % syncEvery != 0) {
      return;
    }
    Map<String, NpyArray> values = model.parameters();
    Map<String, NpyArray> velocities = model.velocities();
    FloatBuffer packed = pack(values, velocities);
    collective.allreduceSum(packed, packed.capacity());
    int n = collective.size();
    model.restore(unpack(packed, values, 0, n), unpack(packed, velocities, count(values), n));
  }

  /** Sums the shards' evaluations into the whole set's. */
  Evaluation combine(Evaluation local) {
    if (!distributed()) {
      return local;
    }
    long n = local.samples();
    sums.put(0, n);
    sums.put(1, n == 0 ? 0f : (float) (local.loss() * n));
    sums.put(2, n == 0 ? 0f : (float) Math.rint(local.top1Error() * n));
    sums.put(3, n == 0 ? 0f : (float) Math.rint(local.top5Error() * n));
    collective.allreduceSum(sums, 4);
    long total = (long) sums.get(0);
    if (total == 0) {
      return new Evaluation(0, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Evaluation(
        total, sums.get(1) / total, sums.get(2) / total, (double) sums.get(3) / total);
  }

  /** The sum of a count over the ranks (exact up to 2^24, plenty for files skipped). */
  long sum(long local) {
    if (!distributed()) {
      return local;
    }
    count.put(0, local);
    collective.allreduceSum(count, 1);
    return (long) count.get(0);
  }

  private static int count(Map<String, NpyArray> arrays) {
    return arrays.values().stream().mapToInt(a -> a.data().length).sum();
  }

  private FloatBuffer pack(Map<String, NpyArray> values, Map<String, NpyArray> velocities) {
    int count = count(values) + count(velocities);
    if (state == null || state.capacity() != count) {
      state = direct(count);
    }
    FloatBuffer buffer = state.clear();
    values.values().forEach(a -> buffer.put(a.data()));
    velocities.values().forEach(a -> buffer.put(a.data()));
    return buffer.clear();
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  private static Map<String, NpyArray> unpack(
      FloatBuffer buffer, Map<String, NpyArray> like, int offset, int divisor) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    int at = offset;
    for (Map.Entry<String, NpyArray> e : like.entrySet()) {
      float[] data = new float[e.getValue().data().length];
      buffer.get(at, data);
      if (divisor != 1) {
        for (int i = 0; i < data.length; i++) {
          data[i] /= divisor;
        }
      }
      out.put(e.getKey(), new NpyArray(e.getValue().shape(), data));
      at += data.length;
    }
    return out;
  }
}
