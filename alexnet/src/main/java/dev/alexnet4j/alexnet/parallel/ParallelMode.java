package dev.alexnet4j.alexnet.parallel;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How several devices share a network's work: {@code alexnet4j.parallel}. */
public enum ParallelMode {
  /** The paper's split: every layer's output channels divided over the devices. */
  MODEL,
  /** A full replica per device on its rows of the batch; gradients averaged. */
  DATA,
  /** Convolutional layers data-parallel, fully connected layers model-parallel. */
  HYBRID;

  public static final String KEY = "alexnet4j.parallel";

  /** The name in config and on the command line. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws ConfigurationException naming the key and the modes when {@code name} is none of them
   */
  public static ParallelMode parse(String name) {
    for (ParallelMode mode : values()) {
      if (mode.configName().equals(name)) {
        return mode;
      }
    }
    throw new ConfigurationException(
        KEY,
        "unknown parallel mode '"
            + name
            + "'; use one of "
            + Arrays.stream(values())
                .map(ParallelMode::configName)
                .collect(Collectors.joining(", ")));
  }

  public static ParallelMode from(Config config) {
    return parse(config.getString(KEY));
  }

  /**
   * The network arranged over {@code devices}: on one device, the plain network whatever the mode.
   * The result owns everything it builds.
   */
  public TrainableNetwork build(
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
   * [batchOffset, batchOffset + batch)} of a larger batch: one rank of a data-parallel job across
   * processes, whose dropout masks must be those of its rows in the job's batch.
   */
  public TrainableNetwork build(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    if (devices.size() == 1) {
      return SingleDeviceNetwork.owning(
          backend, spec.buildReplica(backend, devices.get(0), batch, batchOffset, seed));
    }
    return switch (this) {
      case MODEL ->
          new ModelParallelTrainable(
              backend,
              ModelParallelNetwork.build(
                  spec, backend, devices, batch, batchOffset, seed, observer),
              classes(spec));
      case DATA ->
          DataParallelNetwork.build(spec, backend, devices, batch, batchOffset, seed, observer);
      case HYBRID ->
          HybridParallelNetwork.build(spec, backend, devices, batch, batchOffset, seed, observer);
    };
  }

  /**
   * Checks what the modes that share out the batch's rows need: a loss to train, and a batch that
   * divides evenly over the devices.
   */
  static void requireEvenShare(NetworkSpec spec, List<Device> devices, int batch, String mode) {
    if (!spec.trainable()) {
      throw new IllegalArgumentException("the network does not end in a loss layer");
    }
    if (devices.isEmpty() || batch % devices.size() != 0) {
      throw new IllegalArgumentException(
          mode
              + " parallelism over "
              + devices.size()
              + " devices needs a batch that divides evenly over them, got "
              + batch
              + " (alexnet4j.train.batch)");
    }
  }

  static int classes(NetworkSpec spec) {
    var shape = spec.input().batchOf(1);
    for (var layer : spec.layers()) {
      shape = layer.outputShape(shape);
    }
    return shape.channels();
  }
}
