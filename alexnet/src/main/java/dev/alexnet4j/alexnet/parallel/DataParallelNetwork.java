package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteValue;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Data parallelism over the devices of one process: every device holds the whole network and
 * computes its own block of the batch's rows; after backward the gradients are averaged over the
 * devices and every device applies the same update, so the replicas stay equal and one step is the
 * single-device step on the whole batch (dropout masks included: they are keyed by each row's index
 * in the whole batch).
 */
public final class DataParallelNetwork implements TrainableNetwork {
  private final Backend backend;
  private final Towers towers;
  private final ReplicaGroup group;
  private final Shape input;
  private final int classes;
  private final List<Tensor> inputs;

  private DataParallelNetwork(Backend backend, Towers towers, ReplicaGroup group, Shape input) {
    this.backend = backend;
    this.towers = towers;
    this.group = group;
    this.input = input;
    Network first = group.replica(0);
    this.classes = first.layers().get(first.layers().size() - 1).outputShape().channels();
    List<Tensor> buffers = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      buffers.add(backend.zeros(towers.device(t), first.inputShape()));
    }
    this.inputs = List.copyOf(buffers);
  }

  /**
   * @param batch the whole batch; each of the devices takes {@code batch / devices.size()} rows
   * @param batchOffset where the batch starts in a larger one (a data-parallel rank), for dropout
   */
  public static DataParallelNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    ParallelSpecs.requireEvenShare(spec, devices, batch, DataParallelMode.NAME);
    Towers towers = new Towers(backend, devices, observer);
    try {
      ReplicaGroup group =
          new ReplicaGroup(spec, backend, towers, batch / devices.size(), batchOffset, seed);
      return new DataParallelNetwork(backend, towers, group, spec.input().batchOf(batch));
    } catch (RuntimeException e) {
      towers.close();
      throw e;
    }
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
    if (images.length != input.size()) {
      throw new IllegalArgumentException(
          "a batch of " + input + " needs " + input.size() + " values, got " + images.length);
    }
    int block = images.length / group.count();
    List<CompletableFuture<float[]>> outputs = new ArrayList<>();
    for (int t = 0; t < group.count(); t++) {
      int tower = t;
      float[] rows = Arrays.copyOfRange(images, t * block, (t + 1) * block);
      outputs.add(
          towers.submit(
              t,
              "forward",
              () -> {
                backend.upload(rows, inputs.get(tower));
                return backend.download(group.replica(tower).forward(inputs.get(tower), pass));
              }));
    }
    return concat(Towers.joinAll(outputs));
  }

  @Override
  public float loss(int[] labels) {
    List<CompletableFuture<Float>> losses = new ArrayList<>();
    for (int t = 0; t < group.count(); t++) {
      int[] rows = labelsOf(labels, t);
      Network replica = group.replica(t);
      losses.add(towers.submit(t, "loss", () -> replica.loss(rows)));
    }
    double sum = 0;
    List<Float> values = Towers.joinAll(losses);
    for (float value : values) {
      sum += value;
    }
    return (float) (sum / values.size());
  }

  @Override
  public void backward(int[] labels) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int t = 0; t < group.count(); t++) {
      int[] rows = labelsOf(labels, t);
      Network replica = group.replica(t);
      done.add(
          towers.submit(
              t,
              "backward",
              () -> {
                replica.backward(rows);
                return null;
              }));
    }
    Towers.joinAll(done);
    // Each replica's loss is the mean over its rows; the mean over the batch is their mean.
    group.combineGradients(1f / group.count());
  }

  private int[] labelsOf(int[] labels, int tower) {
    if (labels.length != input.batch()) {
      throw new IllegalArgumentException(
          "a batch of " + input.batch() + " needs as many labels, got " + labels.length);
    }
    return Arrays.copyOfRange(labels, tower * group.rows(), (tower + 1) * group.rows());
  }

  @Override
  public void update(SgdHyperparameters hyperparameters) {
    group.update(hyperparameters);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public List<Tensor> gradients() {
    return group.gradients();
  }

  @Override
  public Map<String, NpyArray> parameters() {
    return group.parameterValues();
  }

  @Override
  public Map<String, NpyArray> velocities() {
    return group.velocities();
  }

  @Override
  public void restore(Map<String, NpyArray> parameters, Map<String, NpyArray> velocities) {
    group.restore(parameters, velocities);
  }

  @Override
  public NonFiniteValue firstNonFiniteGradient() {
    return group.firstNonFiniteGradient();
  }

  @Override
  public NonFiniteValue firstNonFiniteLayer() {
    return group.firstNonFiniteLayer();
  }

  static float[] concat(List<float[]> blocks) {
    float[] all = new float[blocks.stream().mapToInt(b -> b.length).sum()];
    int offset = 0;
    for (float[] block : blocks) {
      System.arraycopy(block, 0, all, offset, block.length);
      offset += block.length;
    }
    return all;
  }

  @Override
  public void close() {
    towers.close();
    inputs.forEach(Tensor::close);
    group.close();
  }
}
