package dev.alexnet4j.api.oracle;

/**
 * The k best classes of each row of scores [N, C]: row n lists class indices by decreasing score,
 * and among equal scores by increasing index. Selection by repeated scans, the plainest form.
 */
public final class ReferenceTopK {
  private ReferenceTopK() {}

  public static int[][] indices(double[] scores, int batch, int classes, int k) {
    int[][] result = new int[batch][k];
    for (int n = 0; n < batch; n++) {
      boolean[] taken = new boolean[classes];
      for (int rank = 0; rank < k; rank++) {
        int best = -1;
        for (int c = 0; c < classes; c++) {
          // Strictly greater: a later class never displaces an earlier one of equal score.
          if (!taken[c] && (best < 0 || scores[n * classes + c] > scores[n * classes + best])) {
            best = c;
          }
        }
        taken[best] = true;
        result[n][rank] = best;
      }
    }
    return result;
  }
}
