package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.tensor.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each virtual CPU device's own share of the cores, and the binding of a tower's thread to it.
 *
 * <p>Without shares, two towers running at once each start OpenMP teams as wide as the machine:
 * twice as many threads as cores, which time-slice and wait at each other's barriers. With them, a
 * device's thread gets the OpenMP thread count of its share (set per thread: libgomp keeps the
 * count per calling thread), its host loops stay within the share, and on Linux the thread is
 * pinned to the share's cores, which its OpenMP workers then inherit.
 *
 * <p>{@code OMP_PROC_BIND} other than {@code false} defeats this: libgomp then binds every thread
 * that starts an OpenMP region to the first place itself, so all towers would land on one core.
 * Shares are then left off, with a warning.
 */
final class VirtualDeviceCores {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualDeviceCores.class);

  private final List<List<Integer>> shares;
  private final boolean pin;
  private final IntConsumer openMpThreads;
  private final AtomicBoolean pinFailureLogged = new AtomicBoolean();

  /**
   * @param shares per device index, the CPUs it gets; empty to leave every thread as it is
   * @param pin whether to pin threads to their share (else only thread counts are set)
   * @param openMpThreads sets the calling thread's OpenMP thread count
   */
  VirtualDeviceCores(List<List<Integer>> shares, boolean pin, IntConsumer openMpThreads) {
    this.shares = List.copyOf(shares);
    this.pin = pin;
    this.openMpThreads = openMpThreads;
  }

  /** No shares: every thread keeps every core. */
  static VirtualDeviceCores none() {
    return new VirtualDeviceCores(List.of(), false, n -> {});
  }

  /**
   * Splits {@code cpus} into {@code devices} contiguous shares whose sizes differ by at most one;
   * with fewer CPUs than devices, devices share CPUs round the list.
   */
  static List<List<Integer>> partition(List<Integer> cpus, int devices) {
    if (cpus.isEmpty() || devices < 1) {
      throw new IllegalArgumentException(
          "cannot share " + cpus + " among " + devices + " virtual devices");
    }
    int n = cpus.size();
    List<List<Integer>> shares = new ArrayList<>(devices);
    for (int d = 0; d < devices; d++) {
      shares.add(
          n >= devices
              ? List.copyOf(cpus.subList(d * n / devices, (d + 1) * n / devices))
              : List.of(cpus.get(d % n)));
    }
    return shares;
  }

  /** Whether {@code OMP_PROC_BIND} has libgomp bind threads itself (anything but false). */
  static boolean openMpBindsThreads(String ompProcBind) {
    return ompProcBind != null
        && !ompProcBind.isBlank()
        && !ompProcBind.trim().equalsIgnoreCase("false");
  }

  /** The CPUs of device {@code index}'s share, empty when there are no shares. */
  List<Integer> share(int index) {
    return shares.isEmpty() ? List.of() : shares.get(index);
  }

  boolean active() {
    return !shares.isEmpty();
  }

  /** Gives the calling thread device {@code device}'s share; does nothing without shares. */
  void bind(Device device) {
    if (shares.isEmpty()) {
      return;
    }
    List<Integer> share = shares.get(device.index());
    openMpThreads.accept(share.size());
    Nd4jHostLoops.limitCallingThread(share.size());
    if (!pin) {
      return;
    }
    try {
      CpuAffinity.pinCallingThread(share);
      LOG.debug("{}: thread {} pinned to CPUs {}", device, Thread.currentThread().getName(), share);
    } catch (RuntimeException e) {
      // The thread counts alone still keep the towers from oversubscribing the cores.
      if (pinFailureLogged.compareAndSet(false, true)) {
        LOG.warn(
            "nd4j: could not pin the thread of {} to CPUs {} ({}); its thread count is still"
                + " limited to its share",
            device,
            share,
            e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return shares.isEmpty() ? "none" : shares + (pin ? " pinned" : " (thread counts only)");
  }
}
