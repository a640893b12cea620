package dev.alexnet4j.distributed;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;

/**
 * A mocked Open MPI library behind a real {@link OpenMpi}: the binding's own code (handles, {@code
 * MPI_IN_PLACE}, return-code checks) runs, the C library does not.
 */
final class FakeOpenMpi {
  static final Pointer COMM_WORLD = new Pointer(0x1000);
  static final Pointer FLOAT = new Pointer(0x2000);
  static final Pointer BYTE = new Pointer(0x3000);
  static final Pointer SUM = new Pointer(0x4000);
  static final Pointer ERRORS_RETURN = new Pointer(0x5000);

  final OpenMpi.Functions functions = mock(OpenMpi.Functions.class);
  final OpenMpi mpi =
      new OpenMpi(
          functions,
          new OpenMpi.Handles(COMM_WORLD, FLOAT, BYTE, SUM, ERRORS_RETURN),
          "rank ? (before MPI_Init)");

  /** A world of {@code size} in which this process is {@code rank}, MPI not yet initialized. */
  FakeOpenMpi(int rank, int size) {
    answerInt("MPI_Initialized", 0);
    answerInt("MPI_Finalized", 0);
    doAnswer(
            inv -> {
              inv.<IntByReference>getArgument(3).setValue(OpenMpi.MPI_THREAD_MULTIPLE);
              return 0;
            })
        .when(functions)
        .MPI_Init_thread(any(), any(), anyInt(), any());
    doAnswer(
            inv -> {
              inv.<IntByReference>getArgument(1).setValue(rank);
              return 0;
            })
        .when(functions)
        .MPI_Comm_rank(any(), any());
    doAnswer(
            inv -> {
              inv.<IntByReference>getArgument(1).setValue(size);
              return 0;
            })
        .when(functions)
        .MPI_Comm_size(any(), any());
    doAnswer(
            inv -> {
              byte[] text =
                  "MPI_ERR_TRUNCATE: message truncated".getBytes(StandardCharsets.US_ASCII);
              System.arraycopy(text, 0, inv.<byte[]>getArgument(1), 0, text.length);
              inv.<IntByReference>getArgument(2).setValue(text.length);
              return 0;
            })
        .when(functions)
        .MPI_Error_string(anyInt(), any(), any());
  }

  /**
   * Makes the flag query {@code function} ({@code MPI_Initialized}, {@code MPI_Finalized}) say so.
   */
  void answerInt(String function, int value) {
    var stub =
        doAnswer(
            inv -> {
              inv.<IntByReference>getArgument(0).setValue(value);
              return 0;
            });
    switch (function) {
      case "MPI_Initialized" -> stub.when(functions).MPI_Initialized(any());
      case "MPI_Finalized" -> stub.when(functions).MPI_Finalized(any());
      default -> throw new IllegalArgumentException(function);
    }
  }
}
