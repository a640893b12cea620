package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The binding passes Open MPI's handles and turns every non-zero code into a named exception. */
class OpenMpiTest {
  private final FakeOpenMpi fake = new FakeOpenMpi(1, 2);

  @Test
  void allreduceIsInPlaceOnTheBuffersOwnMemoryWithFloatSumAndTheWorld() {
    FloatBuffer data = MpiTestMain.floats(8);
    fake.mpi.allreduceSumInPlace(data, 8);
    verify(fake.functions)
        .MPI_Allreduce(
            new Pointer(1), // MPI_IN_PLACE
            Native.getDirectBufferPointer(data),
            8,
            FakeOpenMpi.FLOAT,
            FakeOpenMpi.SUM,
            FakeOpenMpi.COMM_WORLD);
  }

  @Test
  void broadcastsUseTheFloatAndByteTypes() {
    FloatBuffer floats = MpiTestMain.floats(4);
    ByteBuffer bytes = ByteBuffer.allocateDirect(9);
    fake.mpi.broadcastFloats(floats, 4, 1);
    fake.mpi.broadcastBytes(bytes, 9, 0);
    verify(fake.functions)
        .MPI_Bcast(
            Native.getDirectBufferPointer(floats), 4, FakeOpenMpi.FLOAT, 1, FakeOpenMpi.COMM_WORLD);
    verify(fake.functions)
        .MPI_Bcast(
            Native.getDirectBufferPointer(bytes), 9, FakeOpenMpi.BYTE, 0, FakeOpenMpi.COMM_WORLD);
  }

  @Test
  void initThreadPassesNoArgumentsAndReturnsTheLevelProvided() {
    assertEquals(OpenMpi.MPI_THREAD_MULTIPLE, fake.mpi.initThread(OpenMpi.MPI_THREAD_MULTIPLE));
    verify(fake.functions).MPI_Init_thread(isNull(), isNull(), eq(3), any());
  }

  @Test
  void errorsReturnIsSetOnTheWorld() {
    fake.mpi.returnErrors();
    verify(fake.functions)
        .MPI_Comm_set_errhandler(FakeOpenMpi.COMM_WORLD, FakeOpenMpi.ERRORS_RETURN);
  }

  @Test
  void aFailedCallNamesTheCallTheCodeMpisTextAndTheRank() {
    when(fake.functions.MPI_Allreduce(any(), any(), anyInt(), any(), any(), any())).thenReturn(15);
    fake.mpi.rankLabel("rank 1 of 2");
    CollectiveException e =
        assertThrows(
            CollectiveException.class,
            () -> fake.mpi.allreduceSumInPlace(MpiTestMain.floats(1), 1));
    assertEquals(
        "MPI_Allreduce failed with MPI error code 15 (MPI_ERR_TRUNCATE: message truncated) on rank"
            + " 1 of 2",
        e.getMessage());
  }

  @Test
  void everyCallIsChecked() {
    when(fake.functions.MPI_Barrier(any())).thenReturn(5);
    when(fake.functions.MPI_Finalize()).thenReturn(16);
    when(fake.functions.MPI_Abort(any(), anyInt())).thenReturn(16);
    when(fake.functions.MPI_Bcast(any(), anyInt(), any(), anyInt(), any())).thenReturn(8);
    when(fake.functions.MPI_Comm_set_errhandler(any(), any())).thenReturn(6);
    assertThrows(CollectiveException.class, fake.mpi::barrier, "MPI_Barrier");
    assertThrows(CollectiveException.class, fake.mpi::finalizeMpi, "MPI_Finalize");
    assertThrows(CollectiveException.class, () -> fake.mpi.abort(1), "MPI_Abort");
    assertThrows(
        CollectiveException.class,
        () -> fake.mpi.broadcastBytes(ByteBuffer.allocateDirect(1), 1, 0),
        "MPI_Bcast");
    assertThrows(CollectiveException.class, fake.mpi::returnErrors, "MPI_Comm_set_errhandler");
  }

  @Test
  void aFailedErrorStringStillGivesTheCode() {
    when(fake.functions.MPI_Barrier(any())).thenReturn(7);
    doReturn(13).when(fake.functions).MPI_Error_string(anyInt(), any(), any());
    CollectiveException e = assertThrows(CollectiveException.class, fake.mpi::barrier);
    assertEquals(
        "MPI_Barrier failed with MPI error code 7 (no description from MPI_Error_string) on rank ?"
            + " (before MPI_Init)",
        e.getMessage());
  }
}
