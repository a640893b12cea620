package dev.alexnet4j.api.tensor;

/**
 * One compute device of a backend, such as {@code cpu:0} or {@code cuda:1}. Devices are values: two
 * devices are the same when kind and index match.
 *
 * @param kind the device kind as the backend names it ({@code cpu}, {@code cuda})
 * @param index the device's number, from 0: for {@code cuda}, the CUDA device ordinal; the position
 *     in the backend's device list when the backend opened all its devices
 */
public record Device(String kind, int index) {
  public Device {
    if (kind == null || kind.isBlank()) {
      throw new IllegalArgumentException("device kind must not be blank");
    }
    if (index < 0) {
      throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }
  }

  @Override
  public String toString() {
    return kind + ":" + index;
  }
}
