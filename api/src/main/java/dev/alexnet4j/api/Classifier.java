package dev.alexnet4j.api;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.checkpoint.WeightsFile;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.network.NetworkSummary;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Java API without the command line: a configured network on its backend that turns image
 * batches into class probabilities.
 *
 * <pre>{@code
 * Config config = Alexnet4j.loadConfig("alexnet4j.model = alexnet");
 * try (Classifier alexnet = Classifier.create(config, 8)) {
 *   alexnet.importWeights(Path.of("alexnet.npz"));
 *   float[][] p = alexnet.predict(images, 8);   // images: 8 x 3 x 227 x 227, NCHW
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
  private final Backend backend;
  private final NetworkSpec spec;
  private final Network network;
  private final Tensor input;
  private final float[] staging;

  private Classifier(Backend backend, NetworkSpec spec, int batch, long seed) {
    this.backend = backend;
    this.spec = spec;
    this.network = spec.build(backend, backend.devices().get(0), batch, seed);
    this.input = backend.zeros(backend.devices().get(0), network.inputShape());
    this.staging = new float[Math.toIntExact(network.inputShape().size())];
  }

  /** Builds the model named by {@code alexnet4j.model} on the configured backend. */
  public static Classifier create(Config config, int batch) {
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    return new Classifier(
        injector.getInstance(Backend.class), spec, batch, config.getLong("alexnet4j.seed"));
  }

  public NetworkSummary summary() {
    return spec.summary();
  }

  /** The input of one batch, [N, C, H, W]. */
  public Shape inputShape() {
    return network.inputShape();
  }

  /** Loads weights from a NumPy {@code .npz}; all or nothing. */
  public void importWeights(Path npz) throws IOException {
    WeightsFile.importInto(backend, network.parameters(), npz);
  }

  /** Writes the weights as a NumPy {@code .npz}, one array per parameter. */
  public void exportWeights(Path npz) throws IOException {
    WeightsFile.export(backend, network.parameters(), npz);
  }

  /** Loads the weights of a training checkpoint; all or nothing. */
  public void loadCheckpoint(Path file) throws IOException {
    Checkpoint checkpoint = CheckpointFile.read(file);
    checkpoint.requireCompatible(CheckpointTensors.tensorShapesOf(network.parameters()));
    checkpoint
        .parameters()
        .forEach(
            (name, array) -> backend.upload(array.data(), network.parameters().get(name).value()));
  }

  /**
   * Class probabilities of {@code count} images (NCHW, row-major, at most one batch).
   *
   * @return {@code count} rows of probabilities
   */
  public float[][] predict(float[] images, int count) {
    Shape shape = network.inputShape();
    long sample = shape.sampleSize();
    if (count < 1 || count > shape.batch() || images.length != count * sample) {
      throw new IllegalArgumentException(
          "predict takes 1.."
              + shape.batch()
              + " images of "
              + shape.sample()
              + " ("
              + sample
              + " floats each); got "
              + images.length
              + " floats for "
              + count);
    }
    System.arraycopy(images, 0, staging, 0, images.length);
    java.util.Arrays.fill(staging, images.length, staging.length, 0f);
    backend.upload(staging, input);
    float[] p = backend.download(network.forward(input, Pass.inference()));
    int classes = p.length / shape.batch();
    float[][] rows = new float[count][];
    for (int n = 0; n < count; n++) {
      rows[n] = java.util.Arrays.copyOfRange(p, n * classes, (n + 1) * classes);
    }
    return rows;
  }

  @Override
  public void close() {
    input.close();
    network.close();
    backend.close();
  }
}
