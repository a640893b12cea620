package dev.alexnet4j.api.oracle;

/**
 * The paper's SGD step in double (docs/PAPER.md), in place:
 *
 * <pre>
 * v &lt;- momentum * v - weightDecay * lr * w - lr * g
 * w &lt;- w + v
 * </pre>
 *
 * The decay term uses w before the step.
 */
public final class ReferenceSgd {
  private ReferenceSgd() {}

  public static void update(
      double[] w, double[] g, double[] v, double lr, double momentum, double weightDecay) {
    for (int i = 0; i < w.length; i++) {
      v[i] = momentum * v[i] - weightDecay * lr * w[i] - lr * g[i];
      w[i] = w[i] + v[i];
    }
  }
}
