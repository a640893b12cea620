package dev.alexnet4j.api.oracle;

/**
 * Softmax and the mean multinomial logistic loss in double over logits z [N, C] and integer labels
 * t:
 *
 * <pre>
 * p[n, c] = exp(z[n, c] - m[n]) / sum_j exp(z[n, j] - m[n]),   m[n] = max_j z[n, j]
 * L       = (1 / N) sum_n -log p[n, t[n]]
 *         = (1 / N) sum_n (m[n] + log sum_j exp(z[n, j] - m[n]) - z[n, t[n]])
 * dL/dz   = (p - onehot(t)) / N
 * </pre>
 *
 * Subtracting the row maximum changes nothing mathematically and keeps exp from overflowing.
 */
public final class ReferenceSoftmaxCrossEntropy {
  private ReferenceSoftmaxCrossEntropy() {}

  public static double[] softmax(double[] z, int batch, int classes) {
    double[] p = new double[batch * classes];
    for (int n = 0; n < batch; n++) {
      double m = rowMax(z, n, classes);
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[n * classes + c] - m);
      }
      for (int c = 0; c < classes; c++) {
        p[n * classes + c] = Math.exp(z[n * classes + c] - m) / sum;
      }
    }
    return p;
  }

  /** The loss from the log-sum-exp form, accurate even where p underflows. */
  public static double loss(double[] z, int[] labels, int batch, int classes) {
    double total = 0;
    for (int n = 0; n < batch; n++) {
      double m = rowMax(z, n, classes);
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[n * classes + c] - m);
      }
      total += m + Math.log(sum) - z[n * classes + labels[n]];
    }
    return total / batch;
  }

  public static double[] gradient(double[] z, int[] labels, int batch, int classes) {
    double[] grad = softmax(z, batch, classes);
    for (int n = 0; n < batch; n++) {
      grad[n * classes + labels[n]] -= 1;
    }
    for (int i = 0; i < grad.length; i++) {
      grad[i] /= batch;
    }
    return grad;
  }

  private static double rowMax(double[] z, int n, int classes) {
    double m = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      m = Math.max(m, z[n * classes + c]);
    }
    return m;
  }
}
