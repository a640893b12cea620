package dev.alexnet4j.api.train;

/**
 * The loss or a gradient became NaN or infinite: the run stops, and the checkpoints written before
 * stay as they were.
 */
public class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final String layer;

  public NonFiniteException(long step, String layer, String what) {
    super(
        "step "
            + step
            + ": "
            + what
            + (layer == null ? "" : " (first bad values in layer '" + layer + "')")
            + "; training stopped, earlier checkpoints are intact. Lower the learning rate or"
            + " check the input data.");
    this.step = step;
    this.layer = layer;
  }

  public long step() {
    return step;
  }

  /** The first layer whose output or parameter gradient was not finite, or null if none was. */
  public String layer() {
    return layer;
  }
}
