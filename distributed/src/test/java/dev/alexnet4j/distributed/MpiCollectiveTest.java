package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * The collective's life cycle and guards around a mocked Open MPI (real jobs: the multi-process
 * test).
 */
class MpiCollectiveTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final FakeOpenMpi fake = new FakeOpenMpi(1, 4);
  private final AtomicInteger halted = new AtomicInteger(-1);

  private MpiCollective join(Duration timeout) {
    return MpiCollective.join(
        fake.mpi, timeout, Map.of(MpiCollective.LOCAL_RANK_VARIABLE, "3"), halted::set);
  }

  @Test
  void theConfiguredLocalRankWinsOverOpenMpis() {
    try (MpiCollective mpi =
        MpiCollective.join(
            fake.mpi,
            LONG,
            OptionalInt.of(2),
            Map.of(MpiCollective.LOCAL_RANK_VARIABLE, "3"),
            halted::set)) {
      assertEquals(2, mpi.localRank());
      assertEquals("alexnet4j.distributed.local-rank = 2", mpi.localRankOrigin().origin());
    }
  }

  @Test
  void joinInitializesWithThreadSupportReturnsErrorsAndReadsRankSizeLocalRank() {
    try (MpiCollective mpi = join(LONG)) {
      assertEquals(1, mpi.rank());
      assertEquals(4, mpi.size());
      assertEquals(3, mpi.localRank());
      assertEquals("mpi", mpi.name());
      InOrder order = inOrder(fake.functions);
      order
          .verify(fake.functions)
          .MPI_Init_thread(any(), any(), eq(OpenMpi.MPI_THREAD_MULTIPLE), any());
      order
          .verify(fake.functions)
          .MPI_Comm_set_errhandler(FakeOpenMpi.COMM_WORLD, FakeOpenMpi.ERRORS_RETURN);
      order.verify(fake.functions).MPI_Comm_rank(any(), any());
    }
    verify(fake.functions).MPI_Finalize();
  }

  @Test
  void withoutMpirunsVariableTheLocalRankIsZero() {
    try (MpiCollective mpi = MpiCollective.join(fake.mpi, LONG, Map.of(), halted::set)) {
      assertEquals(0, mpi.localRank());
    }
  }

  @Test
  void whenSomeoneElseInitializedMpiItIsNeitherInitializedNorFinalizedHere() {
    fake.answerInt("MPI_Initialized", 1);
    join(LONG).close();
    verify(fake.functions, never()).MPI_Init_thread(any(), any(), anyInt(), any());
    verify(fake.functions, never()).MPI_Finalize();
  }

  @Test
  void aFinalizedMpiCannotBeJoinedAgain() {
    fake.answerInt("MPI_Finalized", 1);
    CollectiveException e = assertThrows(CollectiveException.class, () -> join(LONG));
    assertTrue(e.getMessage().contains("already finalized"), e.getMessage());
  }

  @Test
  void tooLittleThreadSupportIsAnErrorAndFinalizes() {
    doAnswer(
            inv -> {
              inv.<com.sun.jna.ptr.IntByReference>getArgument(3).setValue(0);
              return 0;
            })
        .when(fake.functions)
        .MPI_Init_thread(any(), any(), anyInt(), any());
    CollectiveException e = assertThrows(CollectiveException.class, () -> join(LONG));
    assertTrue(e.getMessage().contains("MPI_THREAD_SERIALIZED"), e.getMessage());
    verify(fake.functions).MPI_Finalize();
  }

  @Test
  void aMalformedLocalRankIsNamed() {
    CollectiveException e =
        assertThrows(
            CollectiveException.class,
            () ->
                MpiCollective.join(
                    fake.mpi, LONG, Map.of(MpiCollective.LOCAL_RANK_VARIABLE, "x"), halted::set));
    assertTrue(e.getMessage().contains("OMPI_COMM_WORLD_LOCAL_RANK='x'"), e.getMessage());
  }

  @Test
  void heapBuffersBadCountsAndMissingRootsNeverReachMpi() {
    try (MpiCollective mpi = join(LONG)) {
      assertThrows(
          IllegalArgumentException.class, () -> mpi.allreduceSum(FloatBuffer.allocate(4), 4));
      assertThrows(
          IllegalArgumentException.class, () -> mpi.allreduceSum(MpiTestMain.floats(4), 5));
      assertThrows(
          IllegalArgumentException.class, () -> mpi.broadcast(MpiTestMain.floats(4), 4, 4));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> mpi.broadcast(ByteBuffer.allocateDirect(4), 4, -1));
      assertTrue(
          e.getMessage().contains("root rank -1 does not exist in a world of 4"), e.getMessage());
    }
    verify(fake.functions, never()).MPI_Allreduce(any(), any(), anyInt(), any(), any(), any());
    verify(fake.functions, never()).MPI_Bcast(any(), anyInt(), any(), anyInt(), any());
  }

  @Test
  void operationsReachMpi() {
    try (MpiCollective mpi = join(LONG)) {
      mpi.allreduceSum(MpiTestMain.floats(4), 3);
      mpi.broadcast(MpiTestMain.floats(4), 2, 3);
      mpi.barrier();
    }
    verify(fake.functions).MPI_Allreduce(any(), any(), eq(3), any(), any(), any());
    verify(fake.functions).MPI_Bcast(any(), eq(2), any(), eq(3), any());
    verify(fake.functions).MPI_Barrier(FakeOpenMpi.COMM_WORLD);
  }

  @Test
  void afterAFailedCollectiveCloseAbortsTheJobInsteadOfFinalizing() {
    when(fake.functions.MPI_Allreduce(any(), any(), anyInt(), any(), any(), any())).thenReturn(15);
    MpiCollective mpi = join(LONG);
    CollectiveException e =
        assertThrows(CollectiveException.class, () -> mpi.allreduceSum(MpiTestMain.floats(2), 2));
    assertTrue(e.getMessage().contains("on rank 1 of 4"), e.getMessage());
    mpi.close();
    verify(fake.functions).MPI_Abort(FakeOpenMpi.COMM_WORLD, MpiCollective.FAILURE_EXIT_CODE);
    verify(fake.functions, never()).MPI_Finalize();
  }

  @Test
  void closeIsIdempotentAndAClosedCollectiveRefusesWork() {
    MpiCollective mpi = join(LONG);
    mpi.close();
    mpi.close();
    verify(fake.functions).MPI_Finalize();
    assertThrows(IllegalStateException.class, mpi::barrier);
  }

  @Test
  void aHungAllreduceAbortsTheJobWithTheHangCodeAndHaltsIfAbortReturns() throws Exception {
    CountDownLatch aborted = new CountDownLatch(1);
    when(fake.functions.MPI_Abort(any(), anyInt()))
        .thenAnswer(
            inv -> {
              aborted.countDown();
              return 0;
            });
    when(fake.functions.MPI_Allreduce(any(), any(), anyInt(), any(), any(), any()))
        .thenAnswer(
            inv -> {
              // A peer never arrives: blocked until the watchdog has aborted.
              assertTrue(aborted.await(10, TimeUnit.SECONDS), "the watchdog never aborted");
              return 0;
            });
    try (MpiCollective mpi = join(Duration.ofMillis(100))) {
      mpi.allreduceSum(MpiTestMain.floats(16), 16);
    }
    verify(fake.functions, timeout(1000))
        .MPI_Abort(FakeOpenMpi.COMM_WORLD, MpiCollective.HANG_EXIT_CODE);
    for (int i = 0; i < 100 && halted.get() < 0; i++) {
      Thread.sleep(10);
    }
    assertEquals(MpiCollective.HANG_EXIT_CODE, halted.get());
  }
}
