package dev.alexnet4j.alexnet.parallel;

/**
 * {@code model}: the paper's split, every layer's output channels divided over the devices. Every
 * device sees the whole batch, so any batch size goes.
 */
public final class ModelParallelMode extends NamedParallelMode {
  public static final String NAME = "model";

  public ModelParallelMode() {
    super(
        NAME,
        false,
        (spec, backend, devices, batch, batchOffset, seed, observer) ->
            new ModelParallelTrainable(
                backend,
                ModelParallelNetwork.build(
                    spec, backend, devices, batch, batchOffset, seed, observer),
                ParallelSpecs.classes(spec)));
  }
}
