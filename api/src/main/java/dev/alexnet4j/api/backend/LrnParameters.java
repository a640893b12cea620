package dev.alexnet4j.api.backend;

/**
 * Cross-channel local response normalisation as the paper defines it (docs/PAPER.md):
 *
 * <pre>
 * b[i] = a[i] / (k + alpha * sum_{j = max(lo, i - n/2)}^{min(hi, i + n/2)} a[j]^2)^beta
 * </pre>
 *
 * where {@code alpha} is NOT divided by {@code n} (Caffe, PyTorch and cuDNN divide it; a backend
 * built on them passes {@code alpha * n}). With {@code groups = g} the channels are cut into g
 * equal blocks and the sum never crosses a block ({@code lo}, {@code hi} are the block's ends), so
 * that each tower of the paper's split normalises only its own channels.
 *
 * @param size n, the number of adjacent channels summed; odd
 */
public record LrnParameters(int size, double alpha, double beta, double k, int groups) {
  public LrnParameters {
    if (size <= 0 || size % 2 == 0) {
      throw new IllegalArgumentException("LRN size must be odd and > 0, got " + size);
    }
    if (groups <= 0) {
      throw new IllegalArgumentException("LRN groups must be > 0, got " + groups);
    }
    if (!(k > 0) || alpha < 0 || beta < 0) {
      throw new IllegalArgumentException(
          "LRN needs k > 0, alpha >= 0, beta >= 0; got k="
              + k
              + " alpha="
              + alpha
              + " beta="
              + beta);
    }
  }

  /** The paper's k = 2, n = 5, alpha = 1e-4, beta = 0.75. */
  public static LrnParameters paper(int groups) {
    return new LrnParameters(5, 1e-4, 0.75, 2.0, groups);
  }

  /** n / 2: how many channels on each side enter the sum. */
  public int halfWidth() {
    return size / 2;
  }
}
