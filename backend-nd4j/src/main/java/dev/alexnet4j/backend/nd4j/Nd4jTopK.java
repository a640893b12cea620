package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The k best classes per row, selected on the host.
 *
 * <p>The answer is host data anyway (int[][]), so the scores come back once into a reused float[]
 * and a k-slot insertion selection picks the winners; it breaks ties towards the lower index, which
 * libnd4j's {@code top_k} does not promise. For ImageNet (N x 1000 scores, k = 5) this is well
 * under a millisecond.
 */
final class Nd4jTopK implements TopKPlan, Nd4jPlan {
  private final Device device;
  private final Shape shape;
  private final int batch;
  private final int classes;
  private final int k;
  private final String where;
  private final float[] scores;
  private final float[] bestScores;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jTopK(Device device, int batch, int classes, int k) {
    this.where = "nd4j top-k (k = " + k + ") of " + batch + "x" + classes + " on " + device;
    if (batch <= 0 || classes <= 0) {
      throw new IllegalArgumentException(where + ": batch and classes must be > 0");
    }
    if (k <= 0 || k > classes) {
      throw new IllegalArgumentException(where + ": k must be in [1, " + classes + "], got " + k);
    }
    this.device = device;
    this.shape = Shape.of(batch, classes);
    this.batch = batch;
    this.classes = classes;
    this.k = k;
    this.scores = new float[batch * classes];
    this.bestScores = new float[k];
  }

  @Override
  public int[][] indices(Tensor scoreTensor) {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
    INDArray s = Nd4jOps.array(scoreTensor, device, shape, where, "scores");
    if (Nd4jOps.isDense(s)) {
      FloatBuffer buffer = s.data().asNioFloat();
      buffer.get(0, scores);
    } else {
      System.arraycopy(s.dup('c').data().asFloat(), 0, scores, 0, scores.length);
    }
    int[][] result = new int[batch][k];
    for (int n = 0; n < batch; n++) {
      select(n * classes, result[n]);
    }
    return result;
  }

  /**
   * Keeps the best k of one row sorted, best first. A later class enters only when strictly better,
   * so of equal scores the lower index stays ahead; NaN ranks below every number.
   */
  private void select(int offset, int[] best) {
    int filled = 0;
    for (int c = 0; c < classes; c++) {
      float v = scores[offset + c];
      if (filled == k && !better(v, bestScores[k - 1])) {
        continue;
      }
      int pos = filled == k ? k - 1 : filled++;
      while (pos > 0 && better(v, bestScores[pos - 1])) {
        bestScores[pos] = bestScores[pos - 1];
        best[pos] = best[pos - 1];
        pos--;
      }
      bestScores[pos] = v;
      best[pos] = c;
    }
  }

  /** Strictly better: a greater number, or any number over NaN (NaN ranks last). */
  private static boolean better(float a, float b) {
    return a > b || (Float.isNaN(b) && !Float.isNaN(a));
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
