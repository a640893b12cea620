package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A {@link Network} on one device with its {@link Sgd}: the plain arrangement. Made with the
 * constructor, the network stays the caller's; made with {@link #owning}, closing this closes it.
 */
public final class SingleDeviceNetwork implements TrainableNetwork {
  private final Backend backend;
  private final Network network;
  private final Sgd sgd;
  private final Tensor input;
  private final int classes;
  private boolean ownsNetwork;

  /** Takes ownership of {@code network}: closing the result closes it. */
  public static SingleDeviceNetwork owning(Backend backend, Network network) {
    SingleDeviceNetwork model = new SingleDeviceNetwork(backend, network);
    model.ownsNetwork = true;
    return model;
  }

  public SingleDeviceNetwork(Backend backend, Network network) {
    if (!network.trainable()) {
      throw new IllegalArgumentException("the network does not end in a loss layer");
    }
    this.backend = backend;
    this.network = network;
    this.classes = network.layers().get(network.layers().size() - 1).outputShape().channels();
    this.sgd = new Sgd(backend, network.parameters().values());
    try {
      this.input = backend.zeros(network.device(), network.inputShape());
    } catch (RuntimeException e) {
      sgd.close();
      throw e;
    }
  }

  public Network network() {
    return network;
  }

  public Sgd optimizer() {
    return sgd;
  }

  @Override
  public Shape inputShape() {
    return network.inputShape();
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public float[] forward(float[] images, Pass pass) {
    backend.upload(images, input);
    return backend.download(network.forward(input, pass));
  }

  @Override
  public float loss(int[] labels) {
    return network.loss(labels);
  }

  @Override
  public void backward(int[] labels) {
    network.backward(labels);
  }

  @Override
  public void update(SgdHyperparameters hyperparameters) {
    sgd.step(hyperparameters);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Tensor> gradients() {
    return network.parameters().values().stream().map(Parameter::gradient).toList();
  }

  @Override
  public Map<String, NpyArray> parameters() {
    return CheckpointTensors.download(backend, network.parameters());
  }

  @Override
  public Map<String, NpyArray> velocities() {
    return CheckpointTensors.downloadVelocities(backend, network.parameters(), sgd);
  }

  @Override
  public void restore(Map<String, NpyArray> parameters, Map<String, NpyArray> velocities) {
    network
        .parameters()
        .forEach(
            (name, p) -> {
              backend.upload(parameters.get(name).data(), p.value());
              backend.upload(velocities.get(name).data(), sgd.velocity(p));
            });
  }

  @Override
  public NonFiniteValue firstNonFiniteGradient() {
    return NonFiniteSearch.gradients(backend, network);
  }

  @Override
  public NonFiniteValue firstNonFiniteLayer() {
    return NonFiniteSearch.layers(backend, network);
  }

  @Override
  public void close() {
    sgd.close();
    input.close();
    if (ownsNetwork) {
      network.close();
    }
  }
}
