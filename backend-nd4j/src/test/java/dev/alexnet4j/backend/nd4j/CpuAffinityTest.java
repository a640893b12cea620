package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {

  @Test
  void masksRoundTripAcrossWords() {
    List<Integer> cpus = List.of(0, 3, 63, 64, 130, 1023);
    assertEquals(cpus, CpuAffinity.cpus(CpuAffinity.mask(cpus)));
    assertEquals(1L | 1L << 3 | 1L << 63, CpuAffinity.mask(cpus)[0]);
  }

  @Test
  void rejectsEmptyAndOutOfRangeMasks() {
    assertThrows(IllegalArgumentException.class, () -> CpuAffinity.mask(List.of()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.mask(List.of(1, 1024)));
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CpuAffinity.mask(List.of(-1)));
  }

  @Test
  void pinsOnlyTheCallingThread() throws Exception {
    assumeTrue(CpuAffinity.supported(), "sched_setaffinity is Linux only");
    List<Integer> before = CpuAffinity.ofCallingThread();
    assertEquals(before, kernelsView(), "sched_getaffinity agrees with /proc");
    int last = before.get(before.size() - 1);
    AtomicReference<Object> seen = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                CpuAffinity.pinCallingThread(List.of(last));
                seen.set(List.of(CpuAffinity.ofCallingThread(), kernelsView()));
              } catch (Throwable e) {
                seen.set(e);
              }
            });
    t.start();
    t.join();
    assertEquals(List.of(List.of(last), List.of(last)), seen.get());
    assertEquals(before, CpuAffinity.ofCallingThread(), "the test's own thread is untouched");
  }

  @Test
  void aCpuOutsideTheProcessIsRefusedNamingIt() throws Exception {
    assumeTrue(CpuAffinity.supported(), "sched_setaffinity is Linux only");
    assumeTrue(
        !CpuAffinity.ofCallingThread().contains(1023),
        "CPU 1023 is usable here: nothing to refuse");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                CpuAffinity.pinCallingThread(List.of(1023));
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    t.join();
    assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
    assertTrue(thrown.get().getMessage().contains("[1023]"), thrown.get().getMessage());
    assertTrue(thrown.get().getMessage().contains("errno"), thrown.get().getMessage());
  }

  /** The calling thread's CPUs as the kernel reports them in /proc. */
  static List<Integer> kernelsView() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return parseList(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no Cpus_allowed_list in /proc/thread-self/status");
  }

  private static List<Integer> parseList(String list) {
    List<Integer> cpus = new ArrayList<>();
    for (String part : list.split(",")) {
      String[] range = part.split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length == 1 ? from : Integer.parseInt(range[1]);
      for (int c = from; c <= to; c++) {
        cpus.add(c);
      }
    }
    return cpus;
  }
}
