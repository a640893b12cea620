package dev.alexnet4j.api.train;

import java.math.BigDecimal;

/**
 * The loss or a gradient became NaN or infinite: the run stops, and the checkpoints written before
 * stay as they were.
 */
public class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final String layer;

  public NonFiniteException(long step, String layer, String what) {
    this(step, layer, what, Float.NaN);
  }

  /**
   * @param learningRate the step's learning rate, to suggest a lower one; NaN when not known
   */
  public NonFiniteException(long step, String layer, String what, float learningRate) {
    super(
        "step "
            + step
            + ": "
            + what
            + (layer == null ? "" : " (first bad values in layer '" + layer + "')")
            + "; training stopped, earlier checkpoints are intact. "
            + suggestion(learningRate));
    this.step = step;
    this.layer = layer;
  }

  private static String suggestion(float learningRate) {
    if (!Float.isFinite(learningRate) || learningRate <= 0) {
      return "Lower the learning rate or check the input data.";
    }
    return "Try a lower learning rate: it was "
        + plain(learningRate)
        + " at this step, so e.g. "
        + plain(learningRate / 10)
        + " (alexnet4j.train.learning-rate, --lr), and resume from the last good checkpoint;"
        + " or check the input data.";
  }

  private static String plain(float v) {
    return v >= 1e-6f && v < 1e7f
        ? new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString()
        : Float.toString(v);
  }

  public long step() {
    return step;
  }

  /** The first layer whose output or parameter gradient was not finite, or null if none was. */
  public String layer() {
    return layer;
  }
}
