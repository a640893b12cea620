package dev.alexnet4j.alexnet.parallel;

/** {@code data}: a full replica per device on its rows of the batch; gradients averaged. */
public final class DataParallelMode extends NamedParallelMode {
  public static final String NAME = "data";

  public DataParallelMode() {
    super(NAME, true, DataParallelNetwork::build);
  }
}
