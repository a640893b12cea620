package dev.alexnet4j.backend.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Equal slices of an array along one axis (the channel blocks of a grouped op), as views that share
 * its memory.
 *
 * <p>Making a view costs a shape-info lookup and a few objects, so the slices are kept and made
 * again only when a different array comes in. Plans call this with their own preallocated arrays
 * (made once) and with the caller's weights and activations, which in training are the same arrays
 * step after step.
 */
final class Nd4jSlices {
  private final int axis;
  private final int parts;
  private INDArray source;
  private INDArray[] views;

  Nd4jSlices(int axis, int parts) {
    this.axis = axis;
    this.parts = parts;
  }

  /** The slices of {@code array}: slice i covers [i * size / parts, (i + 1) * size / parts). */
  INDArray[] of(INDArray array) {
    if (array != source) {
      views = slice(array, axis, parts);
      source = array;
    }
    return views;
  }

  /** Forgets the cached source, so that it can be freed. */
  void clear() {
    source = null;
    views = null;
  }

  static INDArray[] slice(INDArray array, int axis, int parts) {
    long size = array.size(axis);
    if (size % parts != 0) {
      throw new IllegalArgumentException(
          "cannot cut axis " + axis + " of size " + size + " into " + parts + " equal slices");
    }
    long step = size / parts;
    INDArray[] out = new INDArray[parts];
    for (int p = 0; p < parts; p++) {
      out[p] = range(array, axis, p * step, (p + 1) * step);
    }
    return out;
  }

  /** The view of [from, to) along {@code axis}, all of every other axis. */
  static INDArray range(INDArray array, int axis, long from, long to) {
    INDArrayIndex[] index = new INDArrayIndex[array.rank()];
    for (int d = 0; d < index.length; d++) {
      index[d] = d == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
    }
    return array.get(index);
  }
}
