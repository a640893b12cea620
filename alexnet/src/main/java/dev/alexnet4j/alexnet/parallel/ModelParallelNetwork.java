package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.checkpoint.Npz;
import dev.alexnet4j.api.checkpoint.WeightsFile;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.NonFiniteValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A network split over several devices as in the paper's two-GPU AlexNet (docs/ARCHITECTURE.md,
 * "Model parallelism"; the split is derived by {@link TowerSplitter}). Each device has one thread;
 * a pass chains every tower's layer work onto its thread, and the towers wait for each other only
 * at the exchange points: the full layers' gathers, their gradient sums, and the logits.
 *
 * <p>Parameters live as slices on the devices that own them. {@link #downloadParameters()} and
 * {@link #uploadParameters} see them as the whole tensors of the unsplit network, by name, so
 * weights files and checkpoints are the same whatever the split.
 */
public final class ModelParallelNetwork implements AutoCloseable {
  private final Backend backend;
  private final Towers towers;
  private final Shape input;
  private final List<Stage> stages;
  private final OutputStage output;
  private final Map<String, ParameterSpec> whole;
  private final Map<String, List<Parameter>> slices;
  private final List<Tensor> inputs;
  private final boolean ownsTowers;

  private ModelParallelNetwork(
      Backend backend, Towers towers, Shape input, TowerSplitter.Split split, boolean ownsTowers) {
    this.ownsTowers = ownsTowers;
    this.backend = backend;
    this.towers = towers;
    this.input = input;
    this.stages = split.stages();
    this.output = split.output();
    this.whole = split.whole();
    Map<String, List<Parameter>> byName = new LinkedHashMap<>();
    for (int t = 0; t < towers.count(); t++) {
      for (Stage stage : stages) {
        for (Parameter p : stage.parameters(t)) {
          byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
        }
      }
    }
    this.slices = Collections.unmodifiableMap(byName);
    List<Tensor> buffers = new ArrayList<>();
    for (Device d : towers.devices()) {
      buffers.add(backend.zeros(d, input));
    }
    this.inputs = List.copyOf(buffers);
  }

  /**
   * Builds the towers for a batch size.
   *
   * @param devices the devices to split over, in slice order (from {@code alexnet4j.devices})
   * @param seed the weight seed; the slices start as the unsplit network built with it would
   * @param observer told when each piece of tower work runs ({@link StageObserver#NONE} for none)
   */
  public static ModelParallelNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      long seed,
      StageObserver observer) {
    return build(spec, backend, devices, batch, 0, seed, observer);
  }

  /**
   * Like {@link #build(NetworkSpec, Backend, List, int, long, StageObserver)} for rows {@code
   * [batchOffset, batchOffset + batch)} of a larger batch (one rank of a data-parallel job), so
   * that its dropout masks are that batch's.
   */
  public static ModelParallelNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    if (devices.isEmpty()) {
      throw new IllegalArgumentException("a model-parallel network needs at least one device");
    }
    Towers towers = new Towers(backend, devices, observer);
    try {
      TowerSplitter.Split split =
          TowerSplitter.split(spec, backend, towers, batch, batchOffset, seed, false);
      return new ModelParallelNetwork(backend, towers, spec.input().batchOf(batch), split, true);
    } catch (RuntimeException e) {
      towers.close();
      throw e;
    }
  }

  /**
   * The split part of a larger net on towers it shares (the fully connected part of a hybrid net):
   * its first layer computes the input gradient, see {@link #backwardToInput}.
   */
  static ModelParallelNetwork buildOn(
      NetworkSpec spec, Backend backend, Towers towers, int batch, int batchOffset, long seed) {
    TowerSplitter.Split split =
        TowerSplitter.split(spec, backend, towers, batch, batchOffset, seed, true);
    return new ModelParallelNetwork(backend, towers, spec.input().batchOf(batch), split, false);
  }

  public List<Device> devices() {
    return towers.devices();
  }

  public Shape inputShape() {
    return input;
  }

  /**
   * One forward pass over every tower; returns when it is done.
   *
   * @param x the batch, on any of the devices; each tower takes its own copy
   * @return on the first device: the probabilities with a loss, else the logits; valid until the
   *     next forward
   */
  public Tensor forward(Tensor x, Pass pass) {
    if (!x.shape().equals(input)) {
      throw new IllegalArgumentException(
          "network built for input " + input + " was given " + x.shape());
    }
    return forwardFrom(buffer -> backend.copy(x, buffer), pass);
  }

  /**
   * One forward pass of a batch from the host: every tower uploads it into its own input buffer,
   * all at the same time, rather than one device uploading it and the others copying from there.
   *
   * @param images the batch in the input's NCHW layout, {@code inputShape().size()} floats
   */
  public Tensor forward(float[] images, Pass pass) {
    if (images.length != input.size()) {
      throw new IllegalArgumentException(
          "network built for input "
              + input
              + " ("
              + input.size()
              + " floats) was given "
              + images.length
              + " floats");
    }
    return forwardFrom(buffer -> backend.upload(images, buffer), pass);
  }

  /** Fills every tower's input buffer on the tower's own thread, then runs the stages. */
  private Tensor forwardFrom(Consumer<Tensor> fillInput, Pass pass) {
    List<CompletableFuture<Tensor>> current = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      Tensor buffer = inputs.get(t);
      current.add(
          towers.submit(
              t,
              "input",
              () -> {
                fillInput.accept(buffer);
                return buffer;
              }));
    }
    for (Stage stage : stages) {
      current = stage.forward(current, pass);
    }
    return Towers.join(output.forward(current, pass));
  }

  /** The whole logits (the last layer before the loss) of the last forward, on the first device. */
  public Tensor logits() {
    return output.logits();
  }

  /** The batch-mean loss of the last forward, computed once on the gathered logits. */
  public float loss(int[] labels) {
    requireLoss();
    return output.lossValue(labels);
  }

  /** Backpropagates the loss of the last forward, writing every parameter slice's gradient. */
  public void backward(int[] labels) {
    requireLoss();
    List<CompletableFuture<Tensor>> current = output.backward(labels);
    List<CompletableFuture<Tensor>> last = current;
    for (int i = stages.size() - 1; i >= 0 && current != null; i--) {
      last = current;
      current = stages.get(i).backward(current);
    }
    Towers.joinAll(current != null ? current : last);
  }

  /**
   * Backpropagates like {@link #backward} and returns, per tower, that tower's partial gradient of
   * the whole input (their sum is the input gradient); only for a network made by {@link #buildOn}.
   */
  List<Tensor> backwardToInput(int[] labels) {
    requireLoss();
    List<CompletableFuture<Tensor>> current = output.backward(labels);
    for (int i = stages.size() - 1; i >= 0; i--) {
      current = stages.get(i).backward(current);
      if (current == null) {
        throw new IllegalStateException("the first layer computes no input gradient");
      }
    }
    return Towers.joinAll(current);
  }

  private void requireLoss() {
    if (output.loss() == null) {
      throw new IllegalStateException(
          "the network does not end in a loss layer (e.g. type = softmax-cross-entropy)");
    }
  }

  /** The parameter slices that live on tower {@code tower} (index into {@link #devices()}). */
  public List<Parameter> parameters(int tower) {
    List<Parameter> list = new ArrayList<>();
    for (Stage stage : stages) {
      list.addAll(stage.parameters(tower));
    }
    return list;
  }

  /** Every parameter's slices, by whole-parameter name, in device order. */
  public Map<String, List<Parameter>> parameterSlices() {
    return slices;
  }

  /** Every parameter's gradient slices: by parameter in layer order, then by device. */
  List<Tensor> gradientSlices() {
    List<Tensor> out = new ArrayList<>();
    slices.values().forEach(parts -> parts.forEach(p -> out.add(p.gradient())));
    return out;
  }

  /** The whole shape of every parameter, by name, in layer order. */
  public Map<String, Shape> parameterShapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    whole.forEach((name, spec) -> shapes.put(name, spec.shape()));
    return shapes;
  }

  /** The whole value of every parameter, assembled from its slices (row blocks, device order). */
  public Map<String, float[]> downloadParameters() {
    return assemble(Parameter::value);
  }

  /** The whole gradient of every parameter from the last backward, assembled like the values. */
  public Map<String, float[]> downloadGradients() {
    return assemble(Parameter::gradient);
  }

  private Map<String, float[]> assemble(Function<Parameter, Tensor> which) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, ParameterSpec> e : whole.entrySet()) {
      List<Parameter> parts = slices.get(e.getKey());
      float[] values = new float[Math.toIntExact(e.getValue().shape().size())];
      List<CompletableFuture<float[]>> downloads = new ArrayList<>();
      for (int t = 0; t < parts.size(); t++) {
        Tensor tensor = which.apply(parts.get(t));
        downloads.add(towers.submit(t, "download", () -> backend.download(tensor)));
      }
      int offset = 0;
      for (float[] part : Towers.joinAll(downloads)) {
        System.arraycopy(part, 0, values, offset, part.length);
        offset += part.length;
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  /**
   * Overwrites parameters with whole tensors (e.g. from a weights file or a checkpoint written by a
   * run on any number of devices); each device takes its block of rows.
   *
   * @throws IllegalArgumentException naming the parameter when a tensor is missing or has another
   *     size
   */
  public void uploadParameters(Map<String, float[]> values) {
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    for (Map.Entry<String, ParameterSpec> e : whole.entrySet()) {
      float[] v = values.get(e.getKey());
      Shape shape = e.getValue().shape();
      if (v == null || v.length != shape.size()) {
        throw new IllegalArgumentException(
            "parameter "
                + e.getKey()
                + " needs "
                + shape.size()
                + " values ("
                + shape
                + "), got "
                + (v == null ? "none" : v.length));
      }
      List<Parameter> parts = slices.get(e.getKey());
      int length = v.length / parts.size();
      for (int t = 0; t < parts.size(); t++) {
        float[] block = Arrays.copyOfRange(v, t * length, (t + 1) * length);
        Tensor target = parts.get(t).value();
        uploads.add(
            towers.submit(
                t,
                "upload",
                () -> {
                  backend.upload(block, target);
                  return null;
                }));
      }
    }
    Towers.joinAll(uploads);
  }

  /** The whole parameters as the arrays of a weights file ({@code conv1.weight}, ...). */
  public Map<String, NpyArray> downloadArrays() {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    downloadParameters()
        .forEach((name, values) -> arrays.put(name, NpyArray.of(whole.get(name).shape(), values)));
    return arrays;
  }

  /**
   * Writes the whole parameters to a {@code .npz} file, byte for byte the file the unsplit network
   * writes with {@link WeightsFile#export}, so a run saved on two devices loads on one.
   */
  public void exportWeights(Path file) throws IOException {
    Npz.write(file, downloadArrays(), Npz.Compression.STORED);
  }

  /**
   * Loads whole parameters from a {@code .npz} file written by any split (or by {@link
   * WeightsFile#export}); each device takes its rows.
   *
   * @throws WeightsMismatchException listing every missing, extra or misshapen array; nothing is
   *     loaded then
   */
  public void importWeights(Path file) throws IOException {
    Map<String, NpyArray> arrays = Npz.read(file);
    Map<String, int[]> expected = new LinkedHashMap<>();
    whole.forEach((name, spec) -> expected.put(name, spec.shape().dims()));
    Map<String, int[]> found = new LinkedHashMap<>();
    arrays.forEach((name, array) -> found.put(name, array.shape()));
    List<WeightsMismatchException.Mismatch> mismatches =
        WeightsMismatchException.compare("parameter", expected, found);
    if (!mismatches.isEmpty()) {
      throw new WeightsMismatchException(
          file + " does not fit the network", "the network", "the file", mismatches);
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    arrays.forEach((name, array) -> values.put(name, array.data()));
    uploadParameters(values);
  }

  /**
   * The first parameter slice holding NaN or infinity, checked on its device's thread.
   *
   * @param gradients gradients from the loss down; otherwise values from the input up
   */
  NonFiniteValue firstNonFinite(boolean gradients) {
    List<String> names = new ArrayList<>(slices.keySet());
    if (gradients) {
      Collections.reverse(names);
    }
    for (String name : names) {
      List<Parameter> parts = slices.get(name);
      for (int t = 0; t < parts.size(); t++) {
        Tensor tensor = gradients ? parts.get(t).gradient() : parts.get(t).value();
        double sum = Towers.join(towers.submit(t, "check", () -> backend.sumOfSquares(tensor)));
        if (!Double.isFinite(sum)) {
          return new NonFiniteValue(
              NonFiniteValue.layerOf(name),
              (gradients ? "the gradient of " : "")
                  + name
                  + " is not finite on "
                  + towers.device(t));
        }
      }
    }
    return null;
  }

  /** The towers, for optimisers that run their updates on the devices' threads. */
  Towers towers() {
    return towers;
  }

  @Override
  public void close() {
    // Stop the threads first: work still queued after a failed pass finishes before the plans
    // and tensors it uses are freed.
    if (ownsTowers) {
      towers.close();
    }
    for (int i = stages.size() - 1; i >= 0; i--) {
      stages.get(i).close();
    }
    output.close();
    inputs.forEach(Tensor::close);
  }
}
