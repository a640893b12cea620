package dev.alexnet4j.api.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Top-1 and top-5 error over a data set, per class, and which classes are taken for which.
 *
 * @param confusion {@code confusion[truth][predicted]}: top-1 predictions per true class
 */
public record EvaluationReport(
    List<String> classNames,
    long images,
    double loss,
    double top1Error,
    double top5Error,
    long[][] confusion,
    long[] top5Hits) {

  /** Images of a class. */
  public long total(int label) {
    long n = 0;
    for (long c : confusion[label]) {
      n += c;
    }
    return n;
  }

  /** Top-1 error of one class, NaN if it has no images. */
  public double top1Error(int label) {
    long total = total(label);
    return total == 0 ? Double.NaN : 1.0 - (double) confusion[label][label] / total;
  }

  /** Top-5 error of one class, NaN if it has no images. */
  public double top5Error(int label) {
    long total = total(label);
    return total == 0 ? Double.NaN : 1.0 - (double) top5Hits[label] / total;
  }

  /** A pair of classes and how often the first was predicted as the second. */
  public record Confusion(String truth, String predicted, long count) {}

  /** The {@code n} most frequent mistakes, most frequent first. */
  public List<Confusion> mostConfused(int n) {
    List<Confusion> all = new ArrayList<>();
    for (int t = 0; t < confusion.length; t++) {
      for (int p = 0; p < confusion.length; p++) {
        if (t != p && confusion[t][p] > 0) {
          all.add(new Confusion(classNames.get(t), classNames.get(p), confusion[t][p]));
        }
      }
    }
    all.sort(Comparator.comparingLong(Confusion::count).reversed());
    return all.subList(0, Math.min(n, all.size()));
  }
}
