package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.layers.DenseLayer;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteValue;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The hybrid of Krizhevsky's "One weird trick for parallelizing convolutional neural networks"
 * (2014): the convolutional part, where the compute is and the weights are few, is data-parallel
 * (each device a replica on its rows of the batch); the fully connected part, where the weights are
 * and the compute is little, is model-parallel (each device its slice of the units, for the whole
 * batch). At the boundary the devices' feature rows are gathered into the whole batch, and in
 * backward the summed feature gradient is cut back into rows.
 *
 * <p>The boundary is the first dense layer. The fully connected part's loss is the mean over the
 * whole batch, so the feature gradient each replica receives is already its share, and the
 * replicas' convolutional gradients are summed, not averaged.
 */
public final class HybridParallelNetwork implements TrainableNetwork {
  private final Backend backend;
  private final Towers towers;
  private final ReplicaGroup convolutional;
  private final ModelParallelNetwork connected;
  private final ModelParallelSgd connectedSgd;
  private final Shape input;
  private final Shape features;
  private final int classes;
  private final List<Tensor> inputs = new ArrayList<>();
  // On the first device: the other devices' feature rows, and their gradient's partial sums.
  private final List<Tensor> stagedFeatures = new ArrayList<>();
  private final List<Tensor> stagedGradients = new ArrayList<>();
  // On each device: its rows of the feature gradient.
  private final List<Tensor> rowGradients = new ArrayList<>();
  private final Tensor gradientSum;
  private final ChannelConcatPlan rows;

  private HybridParallelNetwork(
      Backend backend,
      Towers towers,
      NetworkSpec convSpec,
      NetworkSpec fcSpec,
      int batch,
      int batchOffset,
      int classes,
      long seed) {
    this.backend = backend;
    this.towers = towers;
    this.classes = classes;
    this.input = convSpec.input().batchOf(batch);
    this.features = fcSpec.input().batchOf(batch);
    int n = towers.count();
    int perDevice = batch / n;
    this.convolutional = new ReplicaGroup(convSpec, backend, towers, perDevice, batchOffset, seed);
    this.connected =
        ModelParallelNetwork.buildOn(fcSpec, backend, towers, batch, batchOffset, seed);
    this.connectedSgd = new ModelParallelSgd(backend, connected);
    Device first = towers.device(0);
    // Rows of an NCHW tensor are contiguous, so the batch is the channel concatenation of the
    // devices' rows seen as [1, rows * features, 1, 1].
    long rowValues = fcSpec.input().size() * perDevice;
    Shape flatRows = Shape.nchw(1, Math.toIntExact(rowValues), 1, 1);
    this.rows = backend.channelConcat(first, Collections.nCopies(n, flatRows));
    for (int t = 0; t < n; t++) {
      inputs.add(backend.zeros(towers.device(t), convSpec.input().batchOf(perDevice)));
      rowGradients.add(backend.zeros(towers.device(t), fcSpec.input().batchOf(perDevice)));
      if (t > 0) {
        stagedFeatures.add(backend.zeros(first, flatRows));
        stagedGradients.add(backend.zeros(first, features));
      }
    }
    this.gradientSum = backend.zeros(first, features);
  }

  /**
   * @param batch the whole batch; the convolutional part gives each device {@code batch /
   *     devices.size()} rows, the fully connected part splits its units over the devices
   * @param batchOffset where the batch starts in a larger one (a data-parallel rank), for dropout
   */
  public static HybridParallelNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    ParallelSpecs.requireEvenShare(spec, devices, batch, HybridParallelMode.NAME);
    int boundary = firstDense(spec);
    List<LayerSpec> layers = spec.layers();
    NetworkSpec convSpec = new NetworkSpec(spec.input(), layers.subList(0, boundary));
    Shape shape = spec.input().batchOf(1);
    for (LayerSpec layer : convSpec.layers()) {
      shape = layer.outputShape(shape);
    }
    NetworkSpec fcSpec = new NetworkSpec(shape.sample(), layers.subList(boundary, layers.size()));
    Towers towers = new Towers(backend, devices, observer);
    try {
      return new HybridParallelNetwork(
          backend, towers, convSpec, fcSpec, batch, batchOffset, ParallelSpecs.classes(spec), seed);
    } catch (RuntimeException e) {
      towers.close();
      throw e;
    }
  }

  private static int firstDense(NetworkSpec spec) {
    List<LayerSpec> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof DenseLayer.Spec) {
        if (i == 0) {
          break;
        }
        return i;
      }
    }
    throw new IllegalArgumentException(
        "hybrid parallelism splits the network at its first dense layer, after at least one"
            + " convolutional layer; this network has none there (use alexnet4j.parallel = model"
            + " or data)");
  }

  @Override
  public Shape inputShape() {
    return input;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public float[] forward(float[] images, Pass pass) {
    int n = towers.count();
    int block = images.length / n;
    if (images.length != input.size()) {
      throw new IllegalArgumentException(
          "a batch of " + input + " needs " + input.size() + " values, got " + images.length);
    }
    List<CompletableFuture<Tensor>> rowsOut = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      int tower = t;
      float[] part = Arrays.copyOfRange(images, t * block, (t + 1) * block);
      rowsOut.add(
          towers.submit(
              t,
              "conv:forward",
              () -> {
                backend.upload(part, inputs.get(tower));
                return convolutional.replica(tower).forward(inputs.get(tower), pass);
              }));
    }
    Tensor batch =
        Towers.join(
            towers.afterAll(
                rowsOut,
                0,
                "rows:gather",
                () -> {
                  List<Tensor> parts = new ArrayList<>();
                  for (int t = 0; t < n; t++) {
                    Tensor own = Towers.join(rowsOut.get(t));
                    Tensor flat = backend.reshape(own, stagedFlatShape());
                    if (t == 0) {
                      parts.add(flat);
                    } else {
                      backend.copy(flat, stagedFeatures.get(t - 1));
                      parts.add(stagedFeatures.get(t - 1));
                    }
                  }
                  return backend.reshape(rows.forward(parts), features);
                }));
    Tensor probabilities = connected.forward(batch, pass);
    return Towers.join(towers.submit(0, "output", () -> backend.download(probabilities)));
  }

  private Shape stagedFlatShape() {
    return Shape.nchw(1, Math.toIntExact(features.size() / towers.count()), 1, 1);
  }

  @Override
  public float loss(int[] labels) {
    return connected.loss(labels);
  }

  @Override
  public void backward(int[] labels) {
    int n = towers.count();
    List<Tensor> partials = connected.backwardToInput(labels);
    List<Tensor> pieces =
        Towers.join(
            towers.submit(
                0,
                "rows:reduce",
                () -> {
                  backend.copy(partials.get(0), gradientSum);
                  for (int t = 1; t < n; t++) {
                    backend.copy(partials.get(t), stagedGradients.get(t - 1));
                    backend.add(stagedGradients.get(t - 1), gradientSum);
                  }
                  return rows.backward(
                      backend.reshape(
                          gradientSum, Shape.nchw(1, Math.toIntExact(features.size()), 1, 1)));
                }));
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      int tower = t;
      done.add(
          towers.submit(
              t,
              "conv:backward",
              () -> {
                backend.copy(pieces.get(tower), rowGradients.get(tower));
                convolutional.replica(tower).backward(rowGradients.get(tower));
                return null;
              }));
    }
    Towers.joinAll(done);
    convolutional.combineGradients(1f);
  }

  @Override
  public void update(SgdHyperparameters hyperparameters) {
    convolutional.update(hyperparameters);
    connectedSgd.step(hyperparameters);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Tensor> gradients() {
    List<Tensor> all = new ArrayList<>(convolutional.gradients());
    all.addAll(connected.gradientSlices());
    return all;
  }

  @Override
  public Map<String, NpyArray> parameters() {
    Map<String, NpyArray> all = new LinkedHashMap<>(convolutional.parameterValues());
    Map<String, Shape> shapes = connected.parameterShapes();
    connected
        .downloadParameters()
        .forEach((name, v) -> all.put(name, NpyArray.of(shapes.get(name), v)));
    return all;
  }

  @Override
  public Map<String, NpyArray> velocities() {
    Map<String, NpyArray> all = new LinkedHashMap<>(convolutional.velocities());
    Map<String, Shape> shapes = connected.parameterShapes();
    connectedSgd
        .downloadVelocities()
        .forEach((name, v) -> all.put(name, NpyArray.of(shapes.get(name), v)));
    return all;
  }

  @Override
  public void restore(Map<String, NpyArray> parameters, Map<String, NpyArray> velocities) {
    convolutional.restore(parameters, velocities);
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, float[]> speeds = new LinkedHashMap<>();
    for (String name : connected.parameterShapes().keySet()) {
      values.put(name, parameters.get(name).data());
      speeds.put(name, velocities.get(name).data());
    }
    connected.uploadParameters(values);
    connectedSgd.uploadVelocities(speeds);
  }

  @Override
  public NonFiniteValue firstNonFiniteGradient() {
    NonFiniteValue bad = connected.firstNonFinite(true);
    return bad != null ? bad : convolutional.firstNonFiniteGradient();
  }

  @Override
  public NonFiniteValue firstNonFiniteLayer() {
    NonFiniteValue bad = convolutional.firstNonFiniteLayer();
    return bad != null ? bad : connected.firstNonFinite(false);
  }

  @Override
  public void close() {
    towers.close();
    connectedSgd.close();
    connected.close();
    convolutional.close();
    rows.close();
    inputs.forEach(Tensor::close);
    rowGradients.forEach(Tensor::close);
    stagedFeatures.forEach(Tensor::close);
    stagedGradients.forEach(Tensor::close);
    gradientSum.close();
  }
}
