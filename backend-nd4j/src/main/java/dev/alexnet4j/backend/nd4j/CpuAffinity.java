package dev.alexnet4j.backend.nd4j;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * The calling thread's CPU affinity, through Linux's {@code sched_getaffinity} and {@code
 * sched_setaffinity} (pid 0 is the calling thread). Java has no API for it, and libgomp, which
 * libnd4j runs its OpenMP regions on, keeps every team's threads where their first thread is.
 */
final class CpuAffinity {
  /** Bits in the mask: glibc's CPU_SETSIZE. */
  static final int MAX_CPUS = 1024;

  private static final int WORDS = MAX_CPUS / Long.SIZE;

  private CpuAffinity() {}

  /** The two calls, bound on first use. */
  interface LibC extends Library {
    int sched_getaffinity(int pid, long size, long[] mask) throws LastErrorException;

    int sched_setaffinity(int pid, long size, long[] mask) throws LastErrorException;
  }

  private static final class Holder {
    static final LibC LIBC = Native.load("c", LibC.class);
  }

  /** Whether this platform has the calls (Linux). */
  static boolean supported() {
    return Platform.isLinux();
  }

  /**
   * The CPUs the calling thread may run on, in ascending order.
   *
   * @throws IllegalStateException if the platform has no affinity calls or the call fails
   */
  static List<Integer> ofCallingThread() {
    requireSupported("read the CPU affinity");
    long[] mask = new long[WORDS];
    try {
      Holder.LIBC.sched_getaffinity(0, mask.length * (long) Long.BYTES, mask);
    } catch (LastErrorException e) {
      throw new IllegalStateException(
          "sched_getaffinity failed (errno " + e.getErrorCode() + "): " + e.getMessage(), e);
    }
    return cpus(mask);
  }

  /**
   * Lets the calling thread run only on {@code cpus}; threads it starts later inherit that.
   *
   * @throws IllegalArgumentException if {@code cpus} is empty or names a CPU outside [0, 1024)
   * @throws IllegalStateException if the platform has no affinity calls or the kernel refuses (a
   *     CPU outside the process's cgroup, for instance)
   */
  static void pinCallingThread(List<Integer> cpus) {
    requireSupported("pin a thread");
    long[] mask = mask(cpus);
    try {
      Holder.LIBC.sched_setaffinity(0, mask.length * (long) Long.BYTES, mask);
    } catch (LastErrorException e) {
      throw new IllegalStateException(
          "sched_setaffinity to CPUs "
              + cpus
              + " failed (errno "
              + e.getErrorCode()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  static long[] mask(List<Integer> cpus) {
    if (cpus.isEmpty()) {
      throw new IllegalArgumentException("a CPU affinity needs at least one CPU");
    }
    long[] mask = new long[WORDS];
    for (int cpu : cpus) {
      if (cpu < 0 || cpu >= MAX_CPUS) {
        throw new IllegalArgumentException(
            "CPU " + cpu + " is outside [0, " + MAX_CPUS + ") in " + cpus);
      }
      mask[cpu / Long.SIZE] |= 1L << (cpu % Long.SIZE);
    }
    return mask;
  }

  static List<Integer> cpus(long[] mask) {
    List<Integer> cpus = new ArrayList<>();
    for (int cpu = 0; cpu < mask.length * Long.SIZE; cpu++) {
      if ((mask[cpu / Long.SIZE] & (1L << (cpu % Long.SIZE))) != 0) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }

  private static void requireSupported(String what) {
    if (!supported()) {
      throw new IllegalStateException(
          "cannot " + what + " on " + System.getProperty("os.name") + ": only Linux is supported");
    }
  }
}
