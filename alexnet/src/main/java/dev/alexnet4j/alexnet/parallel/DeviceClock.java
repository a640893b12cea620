package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.tensor.Device;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Adds up, per device, how long its thread was busy with tower work. Over a timed step, the step's
 * wall time minus a device's busy time is the time that device waited: for the other towers at the
 * exchange points, or for the caller between passes.
 */
public final class DeviceClock implements StageObserver {
  private final Map<Device, LongAdder> busy = new ConcurrentHashMap<>();

  @Override
  public void ran(String stage, Device device, long startNanos, long endNanos) {
    busy.computeIfAbsent(device, d -> new LongAdder()).add(endNanos - startNanos);
  }

  /** Busy nanoseconds of the device since the last reset. */
  public long busyNanos(Device device) {
    LongAdder a = busy.get(device);
    return a == null ? 0 : a.sum();
  }

  public void reset() {
    busy.values().forEach(LongAdder::reset);
  }
}
