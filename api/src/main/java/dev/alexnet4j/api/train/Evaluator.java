package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The paper's test procedure: the softmax outputs of an image's views (one centre crop, or the four
 * corners and the centre with their reflections: ten) are averaged, and the average is ranked. The
 * data source delivers each image's views as consecutive rows of a batch.
 */
public final class Evaluator implements AutoCloseable {
  private final int rows;
  private final UnaryOperator<float[]> forward;
  private final Runnable release;

  /**
   * @param network on one device, built for a batch of a whole number of images' views
   */
  public Evaluator(Backend backend, Network network) {
    this.rows = network.inputShape().batch();
    Tensor input = backend.zeros(network.device(), network.inputShape());
    this.forward =
        images -> {
          backend.upload(images, input);
          return backend.download(network.forward(input, Pass.inference()));
        };
    this.release = input::close;
  }

  /**
   * @param model any arrangement (one device or split), built for a batch of a whole number of
   *     images' views
   */
  public Evaluator(TrainableNetwork model) {
    this.rows = model.inputShape().batch();
    this.forward = images -> model.forward(images, Pass.inference());
    this.release = () -> {};
  }

  /** One image's averaged class probabilities, in data-set order. */
  public record Prediction(long index, int label, float[] probabilities) {}

  /** Every image's averaged probabilities, in data-set order, to {@code sink}. */
  public void predict(DataSource data, Consumer<Prediction> sink) {
    int views = data.viewsPerImage();
    if (views < 1 || rows % views != 0) {
      throw new IllegalArgumentException(
          "a batch of " + rows + " rows cannot hold whole images of " + views + " views");
    }
    long index = 0;
    try (BatchIterator batches = data.epoch(0, rows / views)) {
      while (batches.hasNext()) {
        try (Batch b = batches.next()) {
          if (b.count() % views != 0) {
            throw new IllegalStateException(
                "a batch of " + b.count() + " rows does not hold whole images of " + views);
          }
          float[] p = forward.apply(b.images());
          int classes = p.length / rows;
          for (int image = 0; image < b.count() / views; image++) {
            float[] mean = new float[classes];
            for (int v = 0; v < views; v++) {
              int row = image * views + v;
              for (int c = 0; c < classes; c++) {
                mean[c] += p[row * classes + c] / views;
              }
            }
            sink.accept(new Prediction(index++, b.labels()[image * views], mean));
          }
        }
      }
    }
  }

  /** Top-1, top-5 error, loss, per-class figures and confusions over {@code data}. */
  public EvaluationReport evaluate(DataSource data) {
    int classes = data.classNames().size();
    long[][] confusion = new long[classes][classes];
    long[] top5 = new long[classes];
    long[] images = {0};
    long[] top1Errors = {0};
    long[] top5Errors = {0};
    double[] loss = {0};
    predict(
        data,
        p -> {
          int[] ranked = rank(p.probabilities(), 5);
          boolean inTop5 = false;
          for (int r : ranked) {
            inTop5 |= r == p.label();
          }
          confusion[p.label()][ranked[0]]++;
          top5[p.label()] += inTop5 ? 1 : 0;
          top1Errors[0] += ranked[0] == p.label() ? 0 : 1;
          top5Errors[0] += inTop5 ? 0 : 1;
          loss[0] -= Math.log(Math.max(p.probabilities()[p.label()], Float.MIN_NORMAL));
          images[0]++;
        });
    long n = images[0];
    return new EvaluationReport(
        data.classNames(),
        n,
        n == 0 ? Double.NaN : loss[0] / n,
        n == 0 ? Double.NaN : (double) top1Errors[0] / n,
        n == 0 ? Double.NaN : (double) top5Errors[0] / n,
        confusion,
        top5);
  }

  /** Indices of the {@code k} largest values, largest first; ties to the lower index. */
  public static int[] rank(float[] values, int k) {
    int n = Math.min(k, values.length);
    int[] best = new int[n];
    boolean[] taken = new boolean[values.length];
    for (int i = 0; i < n; i++) {
      int arg = -1;
      for (int c = 0; c < values.length; c++) {
        if (!taken[c] && (arg < 0 || values[c] > values[arg])) {
          arg = c;
        }
      }
      taken[arg] = true;
      best[i] = arg;
    }
    return best;
  }

  @Override
  public void close() {
    release.run();
  }
}
