package dev.alexnet4j.api.distributed;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Parameter tensors packed end to end into one contiguous direct buffer, so that one collective per
 * step moves all of them: one allreduce of AlexNet's 61 million gradients instead of sixteen small
 * ones, each of which would pay the network's latency (Horovod's tensor fusion, taken to its end).
 *
 * <p>Tensor {@code i} occupies {@code [offset(i), offset(i) + size)} of {@link #buffer()}, in list
 * order, so every rank that builds it from the same parameter list agrees on the layout. The
 * tensors are read and written through {@link Backend#download} and {@link Backend#upload}, so any
 * backend works; the host arrays a {@link #pack()} downloads are reused by the next {@link #unpack}
 * instead of allocating a second set.
 *
 * <p>Not thread-safe: one owner calls it, between the backward pass and the optimizer step.
 */
public final class GradientBuffer {
  private final Backend backend;
  private final List<Tensor> tensors;
  private final int[] offsets;
  private final int count;
  private final FloatBuffer buffer;
  private final float[][] staged;

  /**
   * @param tensors the tensors to pack, in an order every rank shares; their sizes must not change
   */
  public GradientBuffer(Backend backend, List<Tensor> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("a gradient buffer needs at least one tensor, got none");
    }
    this.backend = backend;
    this.tensors = List.copyOf(tensors);
    this.offsets = new int[this.tensors.size()];
    long total = 0;
    for (int i = 0; i < this.tensors.size(); i++) {
      offsets[i] = (int) Math.min(total, Integer.MAX_VALUE);
      total += this.tensors.get(i).shape().size();
    }
    // A direct ByteBuffer holds at most Integer.MAX_VALUE bytes, and MPI counts are ints.
    if (total * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "the "
              + this.tensors.size()
              + " tensors hold "
              + total
              + " floats together, more than the "
              + Integer.MAX_VALUE / Float.BYTES
              + " one direct buffer can hold; split them over several gradient buffers");
    }
    this.count = (int) total;
    this.buffer =
        ByteBuffer.allocateDirect(count * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    this.staged = new float[this.tensors.size()][];
  }

  /** The number of floats: the sum of the tensors' sizes. */
  public int count() {
    return count;
  }

  /** The packed values: a direct buffer in native byte order, {@link #count()} floats. */
  public FloatBuffer buffer() {
    return buffer;
  }

  /** Where tensor {@code index} (in the constructor's list order) starts in {@link #buffer()}. */
  public int offset(int index) {
    return offsets[index];
  }

  /** Copies every tensor into its slice of {@link #buffer()}. */
  public void pack() {
    for (int i = 0; i < tensors.size(); i++) {
      float[] host = backend.download(tensors.get(i));
      if (host.length != sizeOf(i)) {
        throw new IllegalStateException(
            "tensor "
                + i
                + " downloaded "
                + host.length
                + " floats but its shape "
                + tensors.get(i).shape()
                + " holds "
                + sizeOf(i));
      }
      buffer.put(offsets[i], host);
      staged[i] = host;
    }
  }

  /**
   * Copies {@link #buffer()} back into the tensors, each value divided by {@code divisor} (1 copies
   * exactly). Division rather than multiplying by {@code 1/divisor}: it rounds once, so an average
   * over 3 ranks is as close as float allows.
   */
  public void unpack(int divisor) {
    if (divisor <= 0) {
      throw new IllegalArgumentException("divisor must be > 0, got " + divisor);
    }
    for (int i = 0; i < tensors.size(); i++) {
      float[] host = staged[i] != null ? staged[i] : new float[sizeOf(i)];
      buffer.get(offsets[i], host);
      if (divisor != 1) {
        for (int j = 0; j < host.length; j++) {
          host[j] /= divisor;
        }
      }
      backend.upload(host, tensors.get(i));
      // Dropped so the heap holds one host copy of the gradients only between pack and unpack.
      staged[i] = null;
    }
  }

  /**
   * Replaces every tensor with its mean over all ranks: pack, one allreduce of the whole buffer,
   * unpack divided by the world size.
   */
  public void allreduceMean(Collective collective) {
    pack();
    collective.allreduceSum(buffer, count);
    unpack(collective.size());
  }

  /**
   * Replaces every tensor with rank {@code root}'s: the same packing serves the initial weight
   * broadcast (and {@link #allreduceMean} over weights serves the averaging of {@code
   * --sync-every}). Only the root downloads.
   */
  public void broadcast(Collective collective, int root) {
    if (collective.rank() == root) {
      pack();
    }
    collective.broadcast(buffer, count, root);
    unpack(1);
  }

  private int sizeOf(int index) {
    return (int) tensors.get(index).shape().size();
  }
}
