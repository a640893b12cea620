package dev.alexnet4j.api.checkpoint;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves checkpoints between the host and live tensors: {@link #capture} downloads the parameters
 * and the SGD velocities into a {@link Checkpoint}; {@link #restore} checks that a checkpoint fits
 * and uploads it back. The optimizer state of a parameter is stored under the parameter's name.
 */
public final class CheckpointTensors {
  private CheckpointTensors() {}

  /**
   * A checkpoint of the live run.
   *
   * @param parameters the network's parameters by name, as {@code Network.parameters()} gives them
   * @param sgd the optimizer of those parameters, whose velocities become the optimizer state
   * @param config the effective configuration, HOCON
   * @param state small trainer state (schedule, RNG, ...) to store alongside
   */
  public static Checkpoint capture(
      Backend backend,
      Map<String, Parameter> parameters,
      Sgd sgd,
      String config,
      int epoch,
      long step,
      Map<String, String> state) {
    return new Checkpoint(
        config,
        epoch,
        step,
        state,
        download(backend, parameters),
        downloadVelocities(backend, parameters, sgd));
  }

  /** The value of every parameter, in map order. */
  public static Map<String, NpyArray> download(Backend backend, Map<String, Parameter> parameters) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, downloadAs(backend, p.value(), p.shape())));
    return out;
  }

  /**
   * The SGD velocity of every parameter, under the parameter's name.
   *
   * @throws IllegalArgumentException if {@code sgd} does not optimise one of the parameters
   */
  public static Map<String, NpyArray> downloadVelocities(
      Backend backend, Map<String, Parameter> parameters, Sgd sgd) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, downloadAs(backend, sgd.velocity(p), p.shape())));
    return out;
  }

  /**
   * Loads a checkpoint into live tensors: every parameter's value and SGD velocity. Everything is
   * checked first, so a checkpoint that does not fit changes nothing.
   *
   * @throws WeightsMismatchException listing every parameter and optimizer-state array that is
   *     missing, unexpected or of another shape
   */
  public static void restore(
      Backend backend, Checkpoint checkpoint, Map<String, Parameter> parameters, Sgd sgd) {
    requireFits(checkpoint, shapesOf(parameters));
    // Look every velocity up before the first upload: an Sgd that does not optimise a parameter
    // must fail here, not after half the network was overwritten.
    Map<String, Tensor> velocities = new LinkedHashMap<>();
    parameters.forEach((name, p) -> velocities.put(name, sgd.velocity(p)));
    parameters.forEach(
        (name, p) -> {
          backend.upload(checkpoint.parameters().get(name).data(), p.value());
          backend.upload(checkpoint.optimizerState().get(name).data(), velocities.get(name));
        });
  }

  /**
   * Checks that a checkpoint holds exactly the parameters and optimizer state of a network.
   *
   * @param expected the network's parameter shapes, by name
   * @throws WeightsMismatchException listing every parameter and optimizer-state array that is
   *     missing, unexpected or of another shape
   */
  public static void requireFits(Checkpoint checkpoint, Map<String, int[]> expected) {
    List<WeightsMismatchException.Mismatch> mismatches = new ArrayList<>();
    mismatches.addAll(
        WeightsMismatchException.compare(
            "parameter", expected, Checkpoint.shapes(checkpoint.parameters())));
    mismatches.addAll(
        WeightsMismatchException.compare(
            "optimizer state", expected, Checkpoint.shapes(checkpoint.optimizerState())));
    if (!mismatches.isEmpty()) {
      throw new WeightsMismatchException(
          "checkpoint at epoch "
              + checkpoint.epoch()
              + ", step "
              + checkpoint.step()
              + " does not fit the network (a different architecture?)",
          "the network",
          "the checkpoint",
          mismatches);
    }
  }

  /** The parameters' shapes by name, for {@link Checkpoint#requireCompatible}. */
  public static Map<String, Shape> tensorShapesOf(Map<String, Parameter> parameters) {
    Map<String, Shape> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, p.shape()));
    return out;
  }

  static Map<String, int[]> shapesOf(Map<String, Parameter> parameters) {
    Map<String, int[]> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, p.shape().dims()));
    return out;
  }

  private static NpyArray downloadAs(Backend backend, Tensor tensor, Shape shape) {
    float[] data = backend.download(tensor);
    if (data.length != shape.size()) {
      throw new IllegalStateException(
          "backend "
              + backend.name()
              + " downloaded "
              + data.length
              + " values from a tensor of shape "
              + shape);
    }
    return NpyArray.of(shape, data);
  }
}
