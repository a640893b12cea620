package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * The k best classes per row, selected on the host: the answer is host data (int[][]) anyway, and
 * for ImageNet (N x 1000 scores, k = 5) one download and a k-slot insertion pass per row cost well
 * under a millisecond, less than a kernel launch and its result transfer would save. Ties go to the
 * lower index; NaN ranks below every number.
 */
final class CudnnTopK implements TopKPlan {
  private final CudaDevice device;
  private final CallSite site;
  private final Shape shape;
  private final int batch;
  private final int classes;
  private final int k;
  private boolean closed;

  CudnnTopK(CudaDevice device, int batch, int classes, int k) {
    this.device = device;
    this.site =
        new CallSite(
            device.device().toString(), "cudnn top-k (k = " + k + ") of " + batch + "x" + classes);
    if (batch <= 0 || classes <= 0) {
      throw new IllegalArgumentException(site.layer() + ": batch and classes must be > 0");
    }
    if (k <= 0 || k > classes) {
      throw new IllegalArgumentException(
          site.layer() + ": k must be in [1, " + classes + "], got " + k);
    }
    this.shape = Shape.of(batch, classes);
    this.batch = batch;
    this.classes = classes;
    this.k = k;
  }

  @Override
  public int[][] indices(Tensor scores) {
    if (closed) {
      throw new IllegalStateException(site + ": plan was closed");
    }
    CudnnTensor s = CudnnTensor.of(scores, device, shape, site.layer(), "scores");
    float[] values = device.download(site, s.pointer(), shape.size());
    return select(values, batch, classes, k);
  }

  /** Row-wise top-k of a row-major [batch, classes] array, best first. */
  static int[][] select(float[] values, int batch, int classes, int k) {
    int[][] result = new int[batch][k];
    float[] kept = new float[k];
    for (int n = 0; n < batch; n++) {
      int[] best = result[n];
      int filled = 0;
      for (int c = 0; c < classes; c++) {
        float v = values[n * classes + c];
        if (filled == k && !ranksAbove(v, kept[k - 1])) {
          continue;
        }
        int at = filled < k ? filled++ : k - 1;
        // Shift worse entries down; an equal score stays ahead (it has the lower index).
        while (at > 0 && ranksAbove(v, kept[at - 1])) {
          kept[at] = kept[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        kept[at] = v;
        best[at] = c;
      }
    }
    return result;
  }

  private static boolean ranksAbove(float a, float b) {
    return a > b || (Float.isNaN(b) && !Float.isNaN(a));
  }

  @Override
  public void close() {
    closed = true;
    device.plans().closed(this);
  }

  @Override
  public String toString() {
    return site.toString();
  }
}
