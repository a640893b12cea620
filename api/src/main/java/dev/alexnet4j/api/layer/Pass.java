package dev.alexnet4j.api.layer;

/**
 * What one forward pass is for: training (dropout active) or inference, and the counters that key
 * the counter-based dropout mask.
 *
 * @param seed the run's seed
 * @param step the global training step, so each step draws a fresh mask
 */
public record Pass(boolean training, long seed, long step) {
  public static Pass training(long seed, long step) {
    return new Pass(true, seed, step);
  }

  public static Pass inference() {
    return new Pass(false, 0, 0);
  }
}
