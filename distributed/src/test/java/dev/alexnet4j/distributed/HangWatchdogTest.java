package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HangWatchdogTest {
  private final AtomicReference<String> rang = new AtomicReference<>();
  private final CountDownLatch ringing = new CountDownLatch(1);

  private HangWatchdog watchdog(Duration timeout) {
    return new HangWatchdog(
        timeout,
        "rank 2 of 4",
        message -> {
          rang.set(message);
          ringing.countDown();
        });
  }

  @Test
  void anOperationThatReturnsInTimeDoesNotRing() throws InterruptedException {
    try (HangWatchdog watchdog = watchdog(Duration.ofMillis(200))) {
      for (int i = 0; i < 100; i++) {
        watchdog.guard("MPI_Barrier", () -> {});
      }
      assertTrue(!ringing.await(400, TimeUnit.MILLISECONDS), "rang: " + rang.get());
    }
    assertNull(rang.get());
  }

  @Test
  void anOperationThatHangsRingsNamingTheRankTheOperationAndTheKey() throws InterruptedException {
    try (HangWatchdog watchdog = watchdog(Duration.ofMillis(100))) {
      watchdog.guard(
          "MPI_Allreduce of 16 floats",
          () -> {
            try {
              // Stands for the blocked native call: returns only once the alarm has rung.
              assertTrue(ringing.await(10, TimeUnit.SECONDS), "the watchdog never rang");
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          });
    }
    String message = rang.get();
    assertTrue(
        message.startsWith("rank 2 of 4: MPI_Allreduce of 16 floats did not finish"), message);
    assertTrue(message.contains("alexnet4j.distributed.timeout-seconds"), message);
  }

  @Test
  void aFailingOperationPropagatesAndDisarms() throws InterruptedException {
    IllegalStateException thrown = new IllegalStateException("MPI_Bcast failed");
    try (HangWatchdog watchdog = watchdog(Duration.ofMillis(100))) {
      assertSame(
          thrown,
          assertThrows(
              IllegalStateException.class,
              () ->
                  watchdog.guard(
                      "MPI_Bcast",
                      () -> {
                        throw thrown;
                      })));
      assertTrue(!ringing.await(300, TimeUnit.MILLISECONDS), "rang after a failure: " + rang.get());
    }
  }

  @Test
  void timeoutIsKept() {
    try (HangWatchdog watchdog = watchdog(Duration.ofSeconds(300))) {
      assertEquals(Duration.ofSeconds(300), watchdog.timeout());
    }
  }
}
