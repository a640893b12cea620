package dev.alexnet4j.api.device;

import dev.alexnet4j.api.tensor.Device;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one thread on which all work on a device's tensors runs (docs/ARCHITECTURE.md, "Model
 * parallelism"): CUDA contexts and ND4J device affinity are per thread, so a device is driven from
 * a single thread, and two devices' threads run at the same time.
 */
public final class DeviceExecutor implements AutoCloseable {
  private final Device device;
  private final ExecutorService executor;

  public DeviceExecutor(Device device) {
    this.device = device;
    this.executor =
        Executors.newSingleThreadExecutor(
            work -> {
              Thread thread = new Thread(work, "alexnet4j-device-" + device);
              // A forgotten close must not keep the JVM alive after main returns.
              thread.setDaemon(true);
              return thread;
            });
  }

  public Device device() {
    return device;
  }

  /** The executor, for {@link CompletableFuture} stages that must run on this device. */
  public Executor executor() {
    return executor;
  }

  /** Runs {@code work} on this device's thread. */
  public <T> CompletableFuture<T> submit(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }

  /** Lets queued work finish, then stops the thread. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "DeviceExecutor[" + device + "]";
  }
}
