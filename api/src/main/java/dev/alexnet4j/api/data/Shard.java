package dev.alexnet4j.api.data;

/**
 * One process's part of every step, for data-parallel training across processes: an epoch's order
 * is cut into global batches of {@code batch * count} samples, and shard {@code index} takes
 * positions {@code [index * batch, (index + 1) * batch)} of each. The shards of one step together
 * are the batch one process would take, in the same order.
 *
 * @param index this shard, from 0 (the rank)
 * @param count the number of shards (the world size)
 * @param keepPartial whether a last, incomplete global batch is shared out as far as it goes
 *     (evaluation: every sample counted once) or dropped (training: every shard takes the same
 *     number of full steps, so none waits for a step the others never take)
 */
public record Shard(int index, int count, boolean keepPartial) {
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist");
    }
  }

  /** The whole data: one shard. */
  public static Shard whole() {
    return new Shard(0, 1, true);
  }

  /**
   * This shard's positions of {@code order}, in order.
   *
   * @param batch samples per shard per step
   */
  public int[] select(int[] order, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + batch);
    }
    long global = (long) batch * count;
    long full = order.length / global;
    long end = keepPartial ? order.length : full * global;
    int[] mine = new int[Math.toIntExact(size(order.length, batch))];
    int n = 0;
    for (long step = 0; step * global < end; step++) {
      long from = step * global + (long) index * batch;
      long to = Math.min(from + batch, end);
      for (long p = from; p < to; p++) {
        mine[n++] = order[(int) p];
      }
    }
    return mine;
  }

  /** How many of {@code total} samples this shard gets with {@code batch} per step. */
  public long size(long total, int batch) {
    long global = (long) batch * count;
    long full = total / global;
    long size = full * batch;
    if (keepPartial) {
      long tail = total - full * global;
      size += Math.max(0, Math.min(batch, tail - (long) index * batch));
    }
    return size;
  }
}
