package dev.alexnet4j.alexnet.parallel;

/**
 * {@code hybrid}: Krizhevsky 2014, "one weird trick": the convolutional layers data-parallel (each
 * device computes its own rows of the batch), the fully connected layers (from the first dense
 * layer on) model-parallel.
 */
public final class HybridParallelMode extends NamedParallelMode {
  public static final String NAME = "hybrid";

  public HybridParallelMode() {
    super(NAME, true, HybridParallelNetwork::build);
  }
}
