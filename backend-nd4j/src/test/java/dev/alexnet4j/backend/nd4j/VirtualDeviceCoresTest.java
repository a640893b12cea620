package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.alexnet4j.api.tensor.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class VirtualDeviceCoresTest {

  @Test
  void partitionsIntoContiguousSharesOfNearlyEqualSize() {
    assertEquals(List.of(List.of(0), List.of(1)), VirtualDeviceCores.partition(List.of(0, 1), 2));
    assertEquals(
        List.of(List.of(0), List.of(1, 2)), VirtualDeviceCores.partition(List.of(0, 1, 2), 2));
    assertEquals(
        List.of(List.of(2, 5), List.of(7, 9)),
        VirtualDeviceCores.partition(List.of(2, 5, 7, 9), 2));
    List<Integer> sixteen = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sixteen.add(i);
    }
    List<List<Integer>> shares = VirtualDeviceCores.partition(sixteen, 2);
    assertEquals(sixteen.subList(0, 8), shares.get(0));
    assertEquals(sixteen.subList(8, 16), shares.get(1));
  }

  @Test
  void moreDevicesThanCpusShareThemRoundTheList() {
    assertEquals(
        List.of(List.of(4), List.of(6), List.of(4)),
        VirtualDeviceCores.partition(List.of(4, 6), 3));
  }

  @Test
  void rejectsNothingToShare() {
    assertThrows(IllegalArgumentException.class, () -> VirtualDeviceCores.partition(List.of(), 2));
    assertThrows(IllegalArgumentException.class, () -> VirtualDeviceCores.partition(List.of(0), 0));
  }

  @Test
  void onlyFalseOrUnsetLeavesThreadBindingToUs() {
    for (String off : new String[] {null, "", " ", "false", "FALSE"}) {
      assertFalse(VirtualDeviceCores.openMpBindsThreads(off), String.valueOf(off));
    }
    for (String on : new String[] {"true", "close", "spread", "master", "primary,close"}) {
      assertTrue(VirtualDeviceCores.openMpBindsThreads(on), on);
    }
  }

  @Test
  void bindingSetsTheThreadCountAndTheLoopWidthOfTheShare() throws Exception {
    IntConsumer openMp = mock(IntConsumer.class);
    VirtualDeviceCores cores =
        new VirtualDeviceCores(List.of(List.of(0, 1, 2), List.of(3)), false, openMp);
    int width =
        onNewThread(
            () -> {
              cores.bind(new Device("cpu", 1));
              return Nd4jHostLoops.callingThreadWidth();
            });
    verify(openMp).accept(1);
    assertEquals(1, width);
  }

  @Test
  void bindingPinsTheThreadToItsShare() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        CpuAffinity.supported(), "sched_setaffinity is Linux only");
    List<Integer> allowed = CpuAffinity.ofCallingThread();
    VirtualDeviceCores cores =
        new VirtualDeviceCores(VirtualDeviceCores.partition(allowed, 2), true, n -> {});
    List<Integer> share = cores.share(1);
    List<Integer> pinned =
        onNewThread(
            () -> {
              cores.bind(new Device("cpu", 1));
              return CpuAffinity.ofCallingThread();
            });
    assertEquals(share, pinned);
  }

  @Test
  void withoutSharesNothingIsTouched() throws Exception {
    IntConsumer openMp = mock(IntConsumer.class);
    VirtualDeviceCores cores = new VirtualDeviceCores(List.of(), true, openMp);
    int width =
        onNewThread(
            () -> {
              cores.bind(new Device("cpu", 0));
              return Nd4jHostLoops.callingThreadWidth();
            });
    verifyNoInteractions(openMp);
    assertFalse(cores.active());
    assertEquals(Math.min(Integer.MAX_VALUE, width), width);
    assertTrue(width >= 1);
  }

  static <T> T onNewThread(Callable<T> work) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(work).get();
    } finally {
      thread.shutdownNow();
    }
  }
}
