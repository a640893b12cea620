package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.device.DeviceExecutor;
import dev.alexnet4j.api.tensor.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The devices of a split network, one {@link DeviceExecutor} each, and the helpers that chain work
 * onto them. Work for a device only ever runs on that device's thread; towers wait for each other
 * only where a stage combines futures of several devices (the exchange points).
 */
final class Towers implements AutoCloseable {
  private final List<Device> devices;
  private final List<DeviceExecutor> executors;
  private final StageObserver observer;

  /**
   * Starts one thread per device and lets the backend bind each to its device ({@link
   * Backend#bindThread}), e.g. to a share of the cores when the devices are virtual.
   */
  Towers(Backend backend, List<Device> devices, StageObserver observer) {
    this.devices = List.copyOf(devices);
    this.observer = observer;
    List<DeviceExecutor> list = new ArrayList<>();
    for (Device d : devices) {
      list.add(new DeviceExecutor(d));
    }
    this.executors = List.copyOf(list);
    try {
      joinAll(
          executors.stream()
              .map(
                  e ->
                      e.submit(
                          () -> {
                            backend.bindThread(e.device());
                            return e.device();
                          }))
              .toList());
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  int count() {
    return devices.size();
  }

  Device device(int tower) {
    return devices.get(tower);
  }

  List<Device> devices() {
    return devices;
  }

  /** Runs {@code work} on the tower's thread once {@code after} completes. */
  <T, R> CompletableFuture<R> then(
      CompletableFuture<T> after, int tower, String stage, Function<T, R> work) {
    return after.thenApplyAsync(
        value -> timed(tower, stage, () -> work.apply(value)), executors.get(tower).executor());
  }

  /** Runs {@code work} on the tower's thread once every future of {@code after} completes. */
  <R> CompletableFuture<R> afterAll(
      List<? extends CompletableFuture<?>> after, int tower, String stage, Supplier<R> work) {
    CompletableFuture<Void> all = CompletableFuture.allOf(after.toArray(CompletableFuture[]::new));
    return all.thenApplyAsync(
        ignored -> timed(tower, stage, work), executors.get(tower).executor());
  }

  /** Runs {@code work} on the tower's thread now. */
  <R> CompletableFuture<R> submit(int tower, String stage, Supplier<R> work) {
    return executors.get(tower).submit(() -> timed(tower, stage, work));
  }

  private <R> R timed(int tower, String stage, Supplier<R> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      observer.ran(stage, devices.get(tower), start, System.nanoTime());
    }
  }

  /** The value of a completed future; a tower's failure is rethrown as it was thrown. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Every value, in tower order. */
  static <T> List<T> joinAll(List<CompletableFuture<T>> futures) {
    List<T> values = new ArrayList<>(futures.size());
    for (CompletableFuture<T> f : futures) {
      values.add(join(f));
    }
    return values;
  }

  @Override
  public void close() {
    executors.forEach(DeviceExecutor::close);
  }
}
