package dev.alexnet4j.cudaemu;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * On the emulated CUDA stack, fails a test class that leaves device memory, streams or library
 * handles alive after its last test (after its own {@code @AfterAll} has closed what it opened).
 * Off the emulator it does nothing: a real driver has no such report.
 */
public final class NoLeaksOnEmulator implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    if (!EmulatedCuda.active()) {
      return;
    }
    String live = EmulatedCuda.liveObjects();
    if (!live.isEmpty()) {
      fail(
          context.getDisplayName()
              + " left these alive on the emulated GPUs (close every backend, tensor and plan):\n"
              + live);
    }
  }
}
