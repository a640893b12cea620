package dev.alexnet4j.alexnet;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The activations of one named layer (e.g. {@code fc7}, the paper's 4096-value last hidden layer
 * whose Euclidean distances Figure 4 uses) for every image of a data source, in data-set order.
 * When the source delivers several views per image, an image's feature is the mean over its views,
 * as the paper's test procedure averages the softmax.
 *
 * <p>Only the layers up to the named one run: the classifier and the loss above it are not needed.
 */
public final class FeatureExtractor implements AutoCloseable {
  private final Backend backend;
  private final Network network;
  private final int last;
  private final int dimension;
  private final Tensor input;
  private final int rows;

  /**
   * @param network built for a batch of a whole number of images' views
   * @param layer the name of the layer whose output is the feature
   * @throws IllegalArgumentException if the network has no layer of that name (lists the names)
   */
  public FeatureExtractor(Backend backend, Network network, String layer) {
    this.backend = backend;
    this.network = network;
    this.last = layerIndex(network.layers(), layer);
    this.dimension = Math.toIntExact(network.layers().get(last).outputShape().sampleSize());
    this.rows = network.inputShape().batch();
    this.input = backend.zeros(network.device(), network.inputShape());
  }

  /** Index of the layer named {@code name}; the error lists the names there are. */
  public static int layerIndex(List<Layer> layers, String name) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "the network has no layer '"
            + name
            + "' (layers: "
            + layers.stream().map(Layer::name).toList()
            + ")");
  }

  /** Values per feature: the layer's output size for one sample (C * H * W for a conv layer). */
  public int dimension() {
    return dimension;
  }

  /** One image's feature, in data-set order. */
  public record Feature(long index, int label, float[] values) {}

  /** Every image's feature to {@code sink}, in data-set order. */
  public void extract(DataSource data, Consumer<Feature> sink) {
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
          backend.upload(b.images(), input);
          float[] out = backend.download(forwardToLayer());
          for (int image = 0; image < b.count() / views; image++) {
            float[] mean = new float[dimension];
            for (int v = 0; v < views; v++) {
              int offset = (image * views + v) * dimension;
              for (int d = 0; d < dimension; d++) {
                mean[d] += out[offset + d] / views;
              }
            }
            sink.accept(new Feature(index++, b.labels()[image * views], mean));
          }
        }
      }
    }
  }

  /**
   * Every image's feature as one N x D row-major matrix with its labels.
   *
   * @param progress told the number of images done after each batch
   */
  public FeatureMatrix extractAll(DataSource data, LongConsumer progress) {
    long size = data.size();
    if (size * dimension > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          size
              + " images of "
              + dimension
              + " values exceed a Java array; extract a smaller set or an earlier layer");
    }
    float[] values = new float[(int) (size * dimension)];
    int[] labels = new int[(int) size];
    int[] count = {0};
    extract(
        data,
        f -> {
          System.arraycopy(f.values(), 0, values, count[0] * dimension, dimension);
          labels[count[0]++] = f.label();
          // Once per batch: a batch holds rows / views images.
          if (count[0] % (rows / data.viewsPerImage()) == 0 || count[0] == size) {
            progress.accept(count[0]);
          }
        });
    if (count[0] != size) {
      // The loader skips images it cannot decode: rows would no longer match data-set indices.
      throw new IllegalStateException(
          "extracted " + count[0] + " features for " + size + " images; some did not decode");
    }
    return new FeatureMatrix(values, labels, dimension);
  }

  private Tensor forwardToLayer() {
    Tensor out = input;
    List<Layer> layers = network.layers();
    for (int i = 0; i <= last; i++) {
      out = layers.get(i).forward(out, Pass.inference());
    }
    return out;
  }

  @Override
  public void close() {
    input.close();
  }
}
