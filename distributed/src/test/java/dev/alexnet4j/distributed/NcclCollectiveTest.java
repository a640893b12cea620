package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The NCCL collective's bootstrap and call sequence against mocked native calls and a mocked MPI
 * bootstrap: what can be checked without a GPU. A real run needs a GPU machine and mpirun.
 */
class NcclCollectiveTest {
  private static final byte[] ID = new byte[NcclCalls.UNIQUE_ID_BYTES];

  static {
    Arrays.fill(ID, (byte) 7);
    ID[0] = 42;
    ID[127] = -3;
  }

  private final NcclCalls calls = mock(NcclCalls.class);
  private final Collective bootstrap = mock(Collective.class);
  private final HangWatchdog watchdog =
      new HangWatchdog(
          Duration.ofMinutes(5),
          "test",
          message -> {
            throw new AssertionError("watchdog rang: " + message);
          });

  NcclCollectiveTest() {
    when(calls.ncclErrorString(anyInt())).thenReturn("unhandled system error");
    when(calls.cudaErrorString(anyInt())).thenReturn("invalid device ordinal");
    gpusVisible(calls, 8);
  }

  private static void gpusVisible(NcclCalls calls, int count) {
    doAnswer(
            inv -> {
              int[] into = inv.getArgument(0);
              into[0] = count;
              return 0;
            })
        .when(calls)
        .cudaGetDeviceCount(any());
  }

  @AfterEach
  void closeWatchdog() {
    watchdog.close();
  }

  private void world(int rank, int size, int localRank) {
    when(bootstrap.rank()).thenReturn(rank);
    when(bootstrap.size()).thenReturn(size);
    when(bootstrap.localRank()).thenReturn(localRank);
  }

  /** Rank 0 fills in the id; the broadcast then sees rank 0's message. */
  private void rootMakesId() {
    doAnswer(
            inv -> {
              byte[] into = inv.getArgument(0);
              System.arraycopy(ID, 0, into, 0, ID.length);
              return 0;
            })
        .when(calls)
        .ncclGetUniqueId(any());
  }

  /** The broadcast delivers what rank 0 sent: an ok flag and the id. */
  private void broadcastDelivers(byte flag) {
    doAnswer(
            inv -> {
              ByteBuffer message = inv.getArgument(0);
              message.put(0, flag);
              message.put(1, ID);
              return null;
            })
        .when(bootstrap)
        .broadcast(any(ByteBuffer.class), anyInt(), anyInt());
  }

  @Test
  void rankZeroSelectsItsGpuMakesTheIdBroadcastsItThenJoins() {
    world(0, 2, 0);
    rootMakesId();
    AtomicReference<byte[]> sent = new AtomicReference<>();
    doAnswer(
            inv -> {
              ByteBuffer message = inv.getArgument(0);
              byte[] copy = new byte[message.capacity()];
              message.get(0, copy);
              sent.set(copy);
              return null;
            })
        .when(bootstrap)
        .broadcast(any(ByteBuffer.class), anyInt(), anyInt());

    NcclCollective.join(calls, bootstrap, watchdog);

    InOrder order = inOrder(calls, bootstrap);
    order.verify(calls).cudaSetDevice(0);
    order.verify(calls).ncclGetUniqueId(any());
    order
        .verify(bootstrap)
        .broadcast(any(ByteBuffer.class), eq(1 + NcclCalls.UNIQUE_ID_BYTES), eq(0));
    order.verify(calls).ncclCommInitRank(eq(2), eq(ID), eq(0));
    order.verify(calls).cudaStreamCreate();
    assertEquals(1, sent.get()[0], "rank 0 must flag the id as good");
    assertArrayEquals(ID, Arrays.copyOfRange(sent.get(), 1, 1 + ID.length));
  }

  @Test
  void otherRanksUseTheirLocalRanksGpuAndTheBroadcastId() {
    world(3, 4, 1);
    broadcastDelivers((byte) 1);

    NcclCollective nccl = NcclCollective.join(calls, bootstrap, watchdog);

    verify(calls).cudaSetDevice(1);
    verify(calls, never()).ncclGetUniqueId(any());
    verify(calls).ncclCommInitRank(eq(4), eq(ID), eq(3));
    assertEquals(3, nccl.rank());
    assertEquals(4, nccl.size());
    assertEquals(1, nccl.localRank());
    assertEquals("nccl", nccl.name());
  }

  /** Two machines of four GPUs, ranks 4 to 7 on the second: rank 4 + r takes GPU r. */
  @Test
  void rankROfAMachineTakesGpuR() {
    for (int r = 0; r < 4; r++) {
      NcclCalls machine = mock(NcclCalls.class);
      gpusVisible(machine, 4);
      Collective mpi = mock(Collective.class);
      when(mpi.rank()).thenReturn(4 + r);
      when(mpi.size()).thenReturn(8);
      when(mpi.localRank()).thenReturn(r);
      doAnswer(
              inv -> {
                ByteBuffer message = inv.getArgument(0);
                message.put(0, (byte) 1);
                return null;
              })
          .when(mpi)
          .broadcast(any(ByteBuffer.class), anyInt(), anyInt());
      LocalRank local = LocalRank.resolve(OptionalInt.empty(), launcherSays(r), "rank " + (4 + r));

      NcclCollective nccl = NcclCollective.join(machine, mpi, local, watchdog);

      InOrder order = inOrder(machine);
      order.verify(machine).cudaSetDevice(r);
      order.verify(machine).ncclCommInitRank(eq(8), any(), eq(4 + r));
      verify(machine, times(1)).cudaSetDevice(anyInt());
      assertEquals(OptionalInt.of(r), nccl.gpu(), "rank " + (4 + r));
    }
  }

  private static Map<String, String> launcherSays(int localRank) {
    return Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "" + localRank);
  }

  @Test
  void theConfiguredLocalRankWinsOverTheLaunchers() {
    world(1, 2, 0);
    broadcastDelivers((byte) 1);
    LocalRank local = LocalRank.resolve(OptionalInt.of(3), launcherSays(1), "rank 1 of 2");

    NcclCollective nccl = NcclCollective.join(calls, bootstrap, local, watchdog);

    verify(calls).cudaSetDevice(3);
    assertEquals(OptionalInt.of(3), nccl.gpu());
  }

  @Test
  void aLocalRankBeyondTheVisibleGpusIsRefusedBeforeAnyGpuIsTouched() {
    gpusVisible(calls, 2);
    world(2, 3, 2);
    LocalRank local = LocalRank.resolve(OptionalInt.empty(), launcherSays(2), "rank 2 of 3");
    CollectiveException e =
        assertThrows(
            CollectiveException.class,
            () -> NcclCollective.join(calls, bootstrap, local, watchdog));
    String m = e.getMessage();
    assertTrue(m.startsWith("rank 2 of 3 would use GPU 2"), m);
    assertTrue(m.contains("OMPI_COMM_WORLD_LOCAL_RANK=2"), "names the variable: " + m);
    assertTrue(m.contains("this machine shows 2 GPUs"), "names the count: " + m);
    assertTrue(m.contains("start at most 2 ranks per machine"), "says what to do: " + m);
    verify(calls, never()).cudaSetDevice(anyInt());
    verify(bootstrap, never()).broadcast(any(ByteBuffer.class), anyInt(), anyInt());
  }

  @Test
  void aConfiguredLocalRankBeyondTheGpusNamesTheKey() {
    gpusVisible(calls, 1);
    world(0, 2, 0);
    LocalRank local = LocalRank.resolve(OptionalInt.of(1), Map.of(), "rank 0 of 2");
    CollectiveException e =
        assertThrows(
            CollectiveException.class,
            () -> NcclCollective.join(calls, bootstrap, local, watchdog));
    assertTrue(e.getMessage().contains("alexnet4j.distributed.local-rank = 1"), e.getMessage());
    assertTrue(e.getMessage().contains("shows 1 GPU:"), e.getMessage());
  }

  @Test
  void severalRanksWithoutALocalRankAreRefusedRatherThanAllTakingGpuZero() {
    world(1, 2, 0);
    LocalRank local = LocalRank.resolve(OptionalInt.empty(), Map.of(), "rank 1 of 2");
    CollectiveException e =
        assertThrows(
            CollectiveException.class,
            () -> NcclCollective.join(calls, bootstrap, local, watchdog));
    assertTrue(e.getMessage().startsWith("cannot tell which GPU rank 1 of 2"), e.getMessage());
    assertTrue(e.getMessage().contains("alexnet4j.distributed.local-rank"), e.getMessage());
    verify(calls, never()).cudaSetDevice(anyInt());
  }

  @Test
  void aSingleRankWithoutALauncherTakesGpuZero() {
    world(0, 1, 0);
    rootMakesId();
    broadcastDelivers((byte) 1);
    LocalRank local = LocalRank.resolve(OptionalInt.empty(), Map.of(), "rank 0 of 1");
    assertEquals(OptionalInt.of(0), NcclCollective.join(calls, bootstrap, local, watchdog).gpu());
  }

  @Test
  void whenRankZeroCannotMakeTheIdItStillBroadcastsSoEveryRankFails() {
    world(0, 2, 0);
    when(calls.ncclGetUniqueId(any())).thenReturn(2);
    CollectiveException e =
        assertThrows(
            CollectiveException.class, () -> NcclCollective.join(calls, bootstrap, watchdog));
    assertEquals(
        "ncclGetUniqueId failed with NCCL status 2 (unhandled system error) on rank 0 of 2, GPU 0",
        e.getMessage());
    ArgumentCaptor<ByteBuffer> message = ArgumentCaptor.forClass(ByteBuffer.class);
    verify(bootstrap).broadcast(message.capture(), anyInt(), eq(0));
    assertEquals(0, message.getValue().get(0), "the failure flag must go out");
    verify(calls, never()).ncclCommInitRank(anyInt(), any(), anyInt());
  }

  @Test
  void aRankToldOfRankZerosFailureSaysSo() {
    world(1, 2, 1);
    broadcastDelivers((byte) 0);
    CollectiveException e =
        assertThrows(
            CollectiveException.class, () -> NcclCollective.join(calls, bootstrap, watchdog));
    assertTrue(
        e.getMessage().startsWith("rank 0 could not create NCCL's unique id"), e.getMessage());
    verify(calls, never()).ncclCommInitRank(anyInt(), any(), anyInt());
  }

  @Test
  void aCudaErrorNamesTheCallTheStatusItsTextTheRankAndTheGpu() {
    world(1, 2, 5);
    when(calls.cudaSetDevice(5)).thenReturn(101);
    CollectiveException e =
        assertThrows(
            CollectiveException.class, () -> NcclCollective.join(calls, bootstrap, watchdog));
    assertEquals(
        "cudaSetDevice(5) failed with CUDA status 101 (invalid device ordinal) on rank 1 of 2, GPU 5",
        e.getMessage());
    verify(bootstrap, never()).broadcast(any(ByteBuffer.class), anyInt(), anyInt());
  }

  @Test
  void aFailedInitNamesRankAndSize() {
    world(1, 2, 1);
    broadcastDelivers((byte) 1);
    when(calls.ncclCommInitRank(anyInt(), any(), anyInt())).thenReturn(2);
    CollectiveException e =
        assertThrows(
            CollectiveException.class, () -> NcclCollective.join(calls, bootstrap, watchdog));
    assertTrue(
        e.getMessage().startsWith("ncclCommInitRank(size 2, rank 1) failed with NCCL status 2"),
        e.getMessage());
  }

  private NcclCollective joined(int rank, int size) {
    world(rank, size, rank);
    broadcastDelivers((byte) 1);
    return NcclCollective.join(calls, bootstrap, watchdog);
  }

  @Test
  void allreduceStagesThroughTheGpuInOrder() {
    NcclCollective nccl = joined(1, 2);
    FloatBuffer data = MpiTestMain.floats(10);

    nccl.allreduceSum(data, 10);

    InOrder order = inOrder(calls);
    order.verify(calls).cudaMallocStaging(40);
    order.verify(calls).cudaMemcpyToStaging(data, 40);
    order.verify(calls).ncclAllReduceSum(10);
    order.verify(calls).cudaStreamSynchronize();
    order.verify(calls).cudaMemcpyFromStaging(data, 40);
  }

  @Test
  void theStagingBufferGrowsOnlyWhenNeeded() {
    NcclCollective nccl = joined(0, 2);
    nccl.allreduceSum(MpiTestMain.floats(10), 10);
    nccl.allreduceSum(MpiTestMain.floats(10), 10);
    nccl.allreduceSum(MpiTestMain.floats(10), 5);
    nccl.allreduceSum(MpiTestMain.floats(20), 20);
    verify(calls, times(1)).cudaMallocStaging(40);
    verify(calls, times(1)).cudaMallocStaging(80);
    verify(calls, times(2)).cudaMallocStaging(anyLong());
  }

  @Test
  void broadcastsMoveBytesFromTheRoot() {
    NcclCollective nccl = joined(1, 2);
    FloatBuffer floats = MpiTestMain.floats(3);
    ByteBuffer bytes = ByteBuffer.allocateDirect(5);
    nccl.broadcast(floats, 3, 1);
    nccl.broadcast(bytes, 5, 0);
    verify(calls).ncclBroadcast(12, 1);
    verify(calls).cudaMemcpyFromStaging(floats, 12);
    verify(calls).ncclBroadcast(5, 0);
    verify(calls).cudaMemcpyFromStaging(bytes, 5);
  }

  @Test
  void anNcclErrorInAStepIsNamedAndNothingIsCopiedBack() {
    NcclCollective nccl = joined(1, 2);
    when(calls.ncclAllReduceSum(anyLong())).thenReturn(3);
    when(calls.ncclErrorString(3)).thenReturn("internal error");
    CollectiveException e =
        assertThrows(CollectiveException.class, () -> nccl.allreduceSum(MpiTestMain.floats(4), 4));
    assertEquals(
        "ncclAllReduce(4 floats, sum) failed with NCCL status 3 (internal error) on rank 1 of 2, GPU 1",
        e.getMessage());
    verify(calls, never()).cudaMemcpyFromStaging(any(), anyLong());
  }

  @Test
  void argumentsAreCheckedBeforeTheGpuIsTouched() {
    NcclCollective nccl = joined(0, 2);
    assertThrows(
        IllegalArgumentException.class, () -> nccl.allreduceSum(FloatBuffer.allocate(4), 4));
    assertThrows(IllegalArgumentException.class, () -> nccl.broadcast(MpiTestMain.floats(4), 4, 2));
    verify(calls, never()).cudaMallocStaging(anyLong());
  }

  @Test
  void barrierGoesThroughMpi() {
    joined(0, 2).barrier();
    verify(bootstrap).barrier();
  }

  @Test
  void closeDestroysTheCommunicatorFreesTheGpuThenClosesMpi() {
    NcclCollective nccl = joined(0, 2);
    nccl.close();
    nccl.close();
    InOrder order = inOrder(calls, bootstrap);
    order.verify(calls).ncclCommDestroy();
    order.verify(calls).cudaRelease();
    order.verify(bootstrap).close();
    verify(bootstrap, times(1)).close();
    assertThrows(IllegalStateException.class, () -> nccl.allreduceSum(MpiTestMain.floats(1), 1));
  }
}
