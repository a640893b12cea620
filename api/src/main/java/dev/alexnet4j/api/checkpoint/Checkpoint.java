package dev.alexnet4j.api.checkpoint;

import dev.alexnet4j.api.tensor.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a training run: the effective configuration, where the run was,
 * small trainer state, the parameters and the optimizer state. Immutable; the maps keep their order
 * (layer order), which {@link CheckpointFile} preserves.
 *
 * <p>As with {@link NpyArray}, the float arrays themselves are shared, not copied.
 *
 * @param config the effective configuration of the run, rendered as HOCON
 * @param epoch the epoch counter as the trainer keeps it, {@code >= 0}
 * @param step the global step (iterations since the run began), {@code >= 0}
 * @param state small entries the trainer wants back: learning-rate schedule, RNG state, best error
 *     so far; keys and values are free text
 * @param parameters the learned parameters by name ({@code conv1.weight}, ...)
 * @param optimizerState the optimizer's buffers; for SGD, the momentum of each parameter under the
 *     parameter's name
 */
public record Checkpoint(
    String config,
    int epoch,
    long step,
    Map<String, String> state,
    Map<String, NpyArray> parameters,
    Map<String, NpyArray> optimizerState) {

  public Checkpoint {
    if (config == null || state == null || parameters == null || optimizerState == null) {
      throw new IllegalArgumentException("a checkpoint needs a config, state and both array maps");
    }
    if (epoch < 0 || step < 0) {
      throw new IllegalArgumentException(
          "epoch and step must be >= 0, got epoch " + epoch + " and step " + step);
    }
    state = frozen(state, "state");
    parameters = frozen(parameters, "parameter");
    optimizerState = frozen(optimizerState, "optimizer state");
  }

  /** This checkpoint with one more (or one replaced) state entry; the arrays are shared. */
  public Checkpoint withState(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(state);
    more.put(key, value);
    return new Checkpoint(config, epoch, step, more, parameters, optimizerState);
  }

  /**
   * Checks that the parameters are exactly those expected, name for name and shape for shape.
   *
   * @param expected the shapes of the network to restore into, by parameter name
   * @throws WeightsMismatchException listing every missing, unexpected and reshaped parameter: a
   *     checkpoint from a different architecture
   */
  public void requireCompatible(Map<String, Shape> expected) {
    Map<String, int[]> dims = new LinkedHashMap<>();
    expected.forEach((name, shape) -> dims.put(name, shape.dims()));
    List<WeightsMismatchException.Mismatch> mismatches =
        WeightsMismatchException.compare("parameter", dims, shapes(parameters));
    if (!mismatches.isEmpty()) {
      throw new WeightsMismatchException(
          "checkpoint at epoch "
              + epoch
              + ", step "
              + step
              + " is from a different architecture than the network",
          "the network",
          "the checkpoint",
          mismatches);
    }
  }

  /** The shapes of some arrays, by name, in the same order. */
  public static Map<String, int[]> shapes(Map<String, NpyArray> arrays) {
    Map<String, int[]> out = new LinkedHashMap<>();
    arrays.forEach((name, array) -> out.put(name, array.shape()));
    return out;
  }

  private static <V> Map<String, V> frozen(Map<String, V> map, String what) {
    Map<String, V> copy = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (k == null || k.isEmpty() || v == null) {
            throw new IllegalArgumentException(
                "a checkpoint's " + what + " entries need a non-empty name and a value: " + k);
          }
          copy.put(k, v);
        });
    return Collections.unmodifiableMap(copy);
  }
}
