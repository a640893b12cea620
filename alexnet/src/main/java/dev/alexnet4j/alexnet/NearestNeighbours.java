package dev.alexnet4j.alexnet;

import java.util.ArrayList;
import java.util.List;

/**
 * The gallery rows nearest to a query by Euclidean distance, as the paper's Figure 4 ranks training
 * images by the distance of their fc7 vectors. An exact scan: O(N * D) per query, a few
 * milliseconds for ten thousand 4096-value rows, so no index is worth its complexity.
 */
public final class NearestNeighbours {
  private final FeatureMatrix gallery;

  public NearestNeighbours(FeatureMatrix gallery) {
    this.gallery = gallery;
  }

  /** A gallery row and its distance to the query. */
  public record Neighbour(int index, double distance) {}

  /** The {@code k} nearest rows, nearest first; ties go to the lower index. */
  public List<Neighbour> nearest(float[] query, int k) {
    return nearest(query, k, -1);
  }

  /**
   * The {@code k} nearest rows except row {@code exclude} (a query taken from the gallery itself
   * would otherwise find itself at distance 0), nearest first; ties go to the lower index.
   */
  public List<Neighbour> nearest(float[] query, int k, int exclude) {
    int d = gallery.dimension();
    if (query.length != d) {
      throw new IllegalArgumentException(
          "a query of " + query.length + " values against a gallery of " + d + "-value rows");
    }
    int n = Math.min(k, gallery.rows() - (exclude >= 0 && exclude < gallery.rows() ? 1 : 0));
    int[] best = new int[Math.max(n, 0)];
    double[] bestSquared = new double[best.length];
    int found = 0;
    float[] values = gallery.values();
    for (int row = 0; row < gallery.rows(); row++) {
      if (row == exclude) {
        continue;
      }
      double sum = 0;
      int offset = row * d;
      for (int j = 0; j < d; j++) {
        double diff = values[offset + j] - query[j];
        sum += diff * diff;
      }
      // Insertion into a short sorted list: k is small; strict < keeps the lower index on ties.
      if (found < n || (n > 0 && sum < bestSquared[n - 1])) {
        int at = Math.min(found, n - 1);
        while (at > 0 && sum < bestSquared[at - 1]) {
          best[at] = best[at - 1];
          bestSquared[at] = bestSquared[at - 1];
          at--;
        }
        best[at] = row;
        bestSquared[at] = sum;
        found = Math.min(found + 1, n);
      }
    }
    List<Neighbour> result = new ArrayList<>(found);
    for (int i = 0; i < found; i++) {
      result.add(new Neighbour(best[i], Math.sqrt(bestSquared[i])));
    }
    return result;
  }

  /**
   * Retrieval precision@k with the given gallery rows as queries, each excluded from its own
   * neighbours: the mean fraction of a query's k nearest rows that share its label.
   */
  public double precisionAtK(int[] queries, int k) {
    if (queries.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int q : queries) {
      List<Neighbour> near = nearest(gallery.row(q), k, q);
      long same =
          near.stream().filter(nb -> gallery.labels()[nb.index()] == gallery.labels()[q]).count();
      sum += near.isEmpty() ? 0 : (double) same / near.size();
    }
    return sum / queries.length;
  }
}
