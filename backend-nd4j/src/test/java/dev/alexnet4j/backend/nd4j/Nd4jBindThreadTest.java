package dev.alexnet4j.backend.nd4j;

import static dev.alexnet4j.backend.nd4j.VirtualDeviceCoresTest.onNewThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Nd4jBackend#bindThread}: each virtual device's thread gets its own share of the cores. */
class Nd4jBindThreadTest {
  private static final Device CPU0 = new Device("cpu", 0);
  private static final Device CPU1 = new Device("cpu", 1);

  /** libgomp's per-thread OpenMP thread count, from the copy libnd4j loaded. */
  private static int openMpMaxThreads() {
    Function f = NativeLibrary.getInstance("libgomp.so.1").getFunction("omp_get_max_threads");
    return f.invokeInt(new Object[0]);
  }

  private static boolean openMpBindsThreads() {
    return VirtualDeviceCores.openMpBindsThreads(System.getenv("OMP_PROC_BIND"));
  }

  @Test
  void twoVirtualDevicesGetDisjointSharesCoveringTheCores() {
    try (Nd4jBackend backend = Nd4jTestBackends.createTwoDevices()) {
      List<Integer> a = backend.coreShare(CPU0);
      List<Integer> b = backend.coreShare(CPU1);
      if (openMpBindsThreads()) {
        // libgomp would move the threads itself: the backend leaves shares off (and warns).
        assertEquals(List.of(), a);
        assertEquals(List.of(), b);
        return;
      }
      List<Integer> cpus = Nd4jNativeLibrary.cpusAtLoad();
      if (cpus.size() >= 2) {
        assertTrue(a.stream().noneMatch(b::contains), a + " and " + b + " overlap");
        assertEquals(cpus.size(), a.size() + b.size());
      } else {
        assertEquals(cpus, a);
        assertEquals(cpus, b);
      }
    }
  }

  @Test
  void aBoundThreadRunsItsOpsWithinItsShare() throws Exception {
    try (Nd4jBackend backend = Nd4jTestBackends.createTwoDevices()) {
      List<Integer> share = backend.coreShare(CPU1);
      int mainThreads = openMpMaxThreads();
      List<Object> seen =
          onNewThread(
              () -> {
                backend.bindThread(CPU1);
                // A oneDNN convolution on the bound thread: runs, and within the share.
                try (ConvolutionPlan conv =
                        backend.convolution(
                            CPU1,
                            Shape.of(2, 3, 9, 9),
                            new ConvolutionGeometry(3, 4, 3, 3, 1, 1, 1, 1, 1),
                            false);
                    Tensor x = backend.zeros(CPU1, Shape.of(2, 3, 9, 9));
                    Tensor w = backend.zeros(CPU1, Shape.of(4, 3, 3, 3));
                    Tensor b = backend.zeros(CPU1, Shape.of(4))) {
                  backend.fill(b, 0.5f);
                  float[] y = backend.download(conv.forward(x, w, b));
                  assertEquals(2 * 4 * 9 * 9, y.length);
                  assertEquals(0.5f, y[y.length - 1]);
                }
                return List.of(
                    openMpMaxThreads(),
                    Nd4jHostLoops.callingThreadWidth(),
                    CpuAffinity.supported() ? CpuAffinity.ofCallingThread() : List.of());
              });
      assertEquals(mainThreads, openMpMaxThreads(), "the calling test thread keeps its count");
      if (share.isEmpty()) {
        assertTrue(openMpBindsThreads(), "shares are off only under OMP_PROC_BIND");
        return;
      }
      assertEquals(share.size(), seen.get(0), "OpenMP threads of the bound thread");
      assertEquals(
          Math.min(share.size(), Nd4jHostLoops.callingThreadWidth()),
          seen.get(1),
          "host loop width of the bound thread");
      if (CpuAffinity.supported()) {
        assertEquals(share, seen.get(2), "CPU affinity of the bound thread");
      }
    }
  }

  @Test
  void oneDeviceLeavesTheThreadAsItIs() throws Exception {
    try (Nd4jBackend backend = Nd4jTestBackends.create()) {
      assertEquals(List.of(), backend.coreShare(CPU0));
      List<Integer> before = CpuAffinity.supported() ? CpuAffinity.ofCallingThread() : List.of();
      List<Object> seen =
          onNewThread(
              () -> {
                backend.bindThread(CPU0);
                return List.of(
                    openMpMaxThreads(),
                    CpuAffinity.supported() ? CpuAffinity.ofCallingThread() : List.of());
              });
      assertEquals(openMpMaxThreads(), seen.get(0));
      assertEquals(before, seen.get(1));
    }
  }

  @Test
  void anUnknownDeviceIsRefusedNamingTheDevices() {
    try (Nd4jBackend backend = Nd4jTestBackends.createTwoDevices()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> backend.bindThread(new Device("cpu", 2)));
      assertTrue(e.getMessage().contains("cpu:2"), e.getMessage());
      assertTrue(e.getMessage().contains("[cpu:0, cpu:1]"), e.getMessage());
    }
  }

  @Test
  void shareCoresOffGivesNoShares() {
    try (Nd4jBackend backend = new Nd4jBackend(new Nd4jSettings(2, 0, false))) {
      assertEquals(List.of(), backend.coreShare(CPU0));
      assertEquals(List.of(), backend.coreShare(CPU1));
    }
  }
}
