package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.util.List;

/**
 * A parallel mode given by its name, whether it splits the batch, and its {@link Arrangement}: what
 * a mode of this module (and most plug-in modes) needs to say, and nothing else.
 */
public abstract class NamedParallelMode implements ParallelMode {
  private final String name;
  private final boolean splitsBatch;
  private final Arrangement arrangement;

  protected NamedParallelMode(String name, boolean splitsBatch, Arrangement arrangement) {
    this.name = name;
    this.splitsBatch = splitsBatch;
    this.arrangement = arrangement;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean splitsBatch() {
    return splitsBatch;
  }

  @Override
  public final TrainableNetwork arrange(
      NetworkSpec spec,
      Backend backend,
      List<Device> devices,
      int batch,
      int batchOffset,
      long seed,
      StageObserver observer) {
    return arrangement.arrange(spec, backend, devices, batch, batchOffset, seed, observer);
  }

  @Override
  public String toString() {
    return name;
  }
}
