package dev.alexnet4j.cli;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import dev.alexnet4j.alexnet.parallel.ParallelMode;
import dev.alexnet4j.alexnet.parallel.ParallelModes;
import dev.alexnet4j.alexnet.parallel.StageObserver;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.network.NetworkSummary;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.augment.AugmentSettings;
import java.util.List;

/** What every command starts from: the validated config, its backend and its network. */
final class Session implements AutoCloseable {
  final Config config;
  final Backend backend;
  final NetworkSpec network;
  final AugmentSettings augment;
  final long seed;

  /** How several devices share the work ({@code alexnet4j.parallel}). */
  final ParallelMode parallel;

  private Session(
      Config config,
      Backend backend,
      NetworkSpec network,
      AugmentSettings augment,
      ParallelMode parallel) {
    this.config = config;
    this.backend = backend;
    this.network = network;
    this.augment = augment;
    this.seed = config.getLong("alexnet4j.seed");
    this.parallel = parallel;
  }

  static Session open(Config config) {
    // Chosen before the backend is built, so that an unknown name fails at once, as an unknown
    // backend does.
    ParallelMode parallel = ParallelModes.from(config);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec network = injector.getInstance(NetworkParser.class).parse();
    AugmentSettings augment = AugmentSettings.from(config);
    return new Session(config, injector.getInstance(Backend.class), network, augment, parallel);
  }

  /** The network on the backend's first device, for {@code batch} rows. */
  Network build(int batch) {
    return network.build(backend, backend.devices().get(0), batch, seed);
  }

  /**
   * The network for training, arranged over {@code alexnet4j.devices} as {@code alexnet4j.parallel}
   * says (one device: the plain network).
   */
  TrainableNetwork buildTrainable(int batch) {
    return buildTrainable(batch, 0);
  }

  /**
   * Like {@link #buildTrainable(int)} for rows {@code [batchOffset, batchOffset + batch)} of the
   * job's batch: one rank of a data-parallel job.
   */
  TrainableNetwork buildTrainable(int batch, int batchOffset) {
    List<Device> devices = DeviceSettings.from(config).resolve(backend.devices());
    if (devices.size() > 1 && batch % devices.size() != 0 && parallel.splitsBatch()) {
      throw new UserError(
          "--parallel "
              + parallel.name()
              + " gives each of the "
              + devices.size()
              + " devices an equal share of the batch; "
              + batch
              + " images do not divide evenly (alexnet4j.train.batch)");
    }
    return parallel.build(network, backend, devices, batch, batchOffset, seed, StageObserver.NONE);
  }

  /** The loader delivers 3 x crop x crop: the model must take exactly that. */
  void requireInputFitsCrops() {
    int crop = augment.preprocess().cropSize();
    Shape delivered = Shape.of(3, crop, crop);
    if (!network.input().equals(delivered)) {
      throw new UserError(
          "the model "
              + config.getString("alexnet4j.model")
              + " takes "
              + network.input()
              + " but the loader delivers "
              + delivered
              + " (alexnet4j.augment.preprocess.crop-size = "
              + crop
              + "): set the crop size, or the model's input (e.g. alexnet4j.alexnet.input)");
    }
  }

  /** How many classes the model tells apart: the size of its last layer's output. */
  int classes() {
    List<NetworkSummary.Row> rows = network.summary().rows();
    return Math.toIntExact(rows.get(rows.size() - 1).output().size());
  }

  /**
   * The data's classes must be the model's outputs; else one line naming the key that sets them:
   * {@code alexnet4j.<model>.classes} where the model has one, or its last layer's {@code units}.
   */
  void requireClasses(int dataClasses, Object where) {
    int outputs = classes();
    if (dataClasses == outputs) {
      return;
    }
    String model = config.getString("alexnet4j.model");
    throw new UserError(
        "the data in "
            + where
            + " has "
            + dataClasses
            + " classes but the model "
            + model
            + " has "
            + outputs
            + " outputs: set "
            + classesKey(model)
            + " = "
            + dataClasses
            + " (it is "
            + outputs
            + ")");
  }

  private String classesKey(String model) {
    String own = "alexnet4j." + model + ".classes";
    if (config.hasPath(own)) {
      return own;
    }
    String layers = "alexnet4j.models." + model + ".layers";
    List<? extends ConfigObject> entries = config.getObjectList(layers);
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).containsKey("units")) {
        return layers + "[" + i + "].units";
      }
    }
    return "the output size of the model's last layer (" + layers + ")";
  }

  /** The effective config under alexnet4j, as HOCON with comments, for the run folder. */
  String renderedConfig() {
    return config
        .getConfig("alexnet4j")
        .atPath("alexnet4j")
        .root()
        .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  @Override
  public void close() {
    backend.close();
  }
}
