package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteValue;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's split network with its optimizer, as the trainer sees it: whole tensors in and out,
 * slices on the devices.
 */
public final class ModelParallelTrainable implements TrainableNetwork {
  private final Backend backend;
  private final ModelParallelNetwork network;
  private final ModelParallelSgd sgd;
  private final int classes;

  /** Takes ownership of {@code network}. */
  public ModelParallelTrainable(Backend backend, ModelParallelNetwork network, int classes) {
    this.backend = backend;
    this.network = network;
    this.classes = classes;
    this.sgd = new ModelParallelSgd(backend, network);
  }

  public ModelParallelNetwork network() {
    return network;
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
    Tensor probabilities = network.forward(images, pass);
    return Towers.join(network.towers().submit(0, "output", () -> backend.download(probabilities)));
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
    return network.gradientSlices();
  }

  @Override
  public Map<String, NpyArray> parameters() {
    return arrays(network.downloadParameters());
  }

  @Override
  public Map<String, NpyArray> velocities() {
    return arrays(sgd.downloadVelocities());
  }

  private Map<String, NpyArray> arrays(Map<String, float[]> values) {
    Map<String, Shape> shapes = network.parameterShapes();
    Map<String, NpyArray> out = new LinkedHashMap<>();
    values.forEach((name, v) -> out.put(name, NpyArray.of(shapes.get(name), v)));
    return out;
  }

  @Override
  public void restore(Map<String, NpyArray> parameters, Map<String, NpyArray> velocities) {
    network.uploadParameters(data(parameters));
    sgd.uploadVelocities(data(velocities));
  }

  private static Map<String, float[]> data(Map<String, NpyArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((name, a) -> out.put(name, a.data()));
    return out;
  }

  @Override
  public NonFiniteValue firstNonFiniteGradient() {
    return network.firstNonFinite(true);
  }

  /** The split keeps no per-layer outputs on the host side: the parameters are checked. */
  @Override
  public NonFiniteValue firstNonFiniteLayer() {
    return network.firstNonFinite(false);
  }

  @Override
  public void close() {
    network.close();
    sgd.close();
  }
}
