package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.tensor.Device;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Each tower's thread is bound to its device by the backend before any work runs there. */
class TowersTest {
  private static final Device CPU0 = new Device("cpu", 0);
  private static final Device CPU1 = new Device("cpu", 1);
  private static final StageObserver QUIET = (stage, device, start, end) -> {};

  @Test
  void everyTowerThreadIsBoundOnceToItsOwnDeviceBeforeItsWork() {
    Backend backend = mock(Backend.class);
    Map<Device, String> boundOn = new ConcurrentHashMap<>();
    doAnswer(
            call -> {
              boundOn.put(call.getArgument(0), Thread.currentThread().getName());
              return null;
            })
        .when(backend)
        .bindThread(any());
    try (Towers towers = new Towers(backend, List.of(CPU0, CPU1), QUIET)) {
      verify(backend, times(2)).bindThread(any());
      assertEquals(Set.of(CPU0, CPU1), boundOn.keySet());
      for (int t = 0; t < 2; t++) {
        Device d = towers.device(t);
        String worker =
            Towers.join(towers.submit(t, "probe", () -> Thread.currentThread().getName()));
        assertEquals(boundOn.get(d), worker, "work for " + d + " runs on the thread bound to it");
      }
    }
  }

  @Test
  void aBindingFailureIsThrownAsItWasAndStopsTheThreads() {
    Backend backend = mock(Backend.class);
    IllegalStateException refused = new IllegalStateException("cpu:1 cannot be bound");
    doThrow(refused).when(backend).bindThread(CPU1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> new Towers(backend, List.of(CPU0, CPU1), QUIET));
    assertSame(refused, e);
  }
}
