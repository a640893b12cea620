package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.tensor.Device;

/**
 * Told when each piece of tower work ran, on which device: the scheduler's timeline, for tests that
 * show the towers overlap and for the bench's busy and waiting times.
 */
@FunctionalInterface
public interface StageObserver {
  StageObserver NONE = (stage, device, startNanos, endNanos) -> {};

  /**
   * @param stage the layer (or exchange) name, with {@code ":backward"} for backward work
   * @param startNanos {@link System#nanoTime()} when the work started on the device's thread
   */
  void ran(String stage, Device device, long startNanos, long endNanos);
}
