package dev.alexnet4j.distributed;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.nio.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The one binding to Open MPI's C library: the handful of calls the MPI collective needs, each
 * return code checked and turned into a {@link CollectiveException} naming the call, the code (with
 * MPI's own text for it) and the rank.
 *
 * <p>Open MPI's handles ({@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_SUM}, ...) are not
 * constants but the addresses of global objects in the library ({@code ompi_mpi_comm_world} ...),
 * read here once. MPICH and its derivatives (Intel MPI, MVAPICH) use integer handles and another
 * soname instead, so they would need their own handle table: this class is Open MPI's (4.x and 5.x,
 * both {@code libmpi.so.40}).
 *
 * <p>The library is opened with {@code RTLD_GLOBAL}: Open MPI's components are plug-ins that it
 * {@code dlopen}s later and that resolve their symbols against {@code libmpi}'s; without it, {@code
 * MPI_Init} fails to load them.
 */
final class OpenMpi {
  static final String LIBRARY = "libmpi.so.40";

  static final int MPI_SUCCESS = 0;
  static final int MPI_THREAD_SERIALIZED = 2;
  static final int MPI_THREAD_MULTIPLE = 3;
  private static final int MPI_MAX_ERROR_STRING = 256;
  private static final Pointer MPI_IN_PLACE = new Pointer(1);

  // <dlfcn.h> on Linux.
  private static final int RTLD_LAZY = 0x0001;
  private static final int RTLD_GLOBAL = 0x0100;

  /** The C functions as JNA maps them; only {@link OpenMpi} calls them. */
  interface Functions extends Library {
    int MPI_Init_thread(Pointer argc, Pointer argv, int required, IntByReference provided);

    int MPI_Initialized(IntByReference flag);

    int MPI_Finalized(IntByReference flag);

    int MPI_Finalize();

    int MPI_Comm_rank(Pointer comm, IntByReference rank);

    int MPI_Comm_size(Pointer comm, IntByReference size);

    int MPI_Comm_set_errhandler(Pointer comm, Pointer errhandler);

    int MPI_Allreduce(
        Pointer sendbuf, Pointer recvbuf, int count, Pointer datatype, Pointer op, Pointer comm);

    int MPI_Bcast(Pointer buffer, int count, Pointer datatype, int root, Pointer comm);

    int MPI_Barrier(Pointer comm);

    int MPI_Abort(Pointer comm, int errorcode);

    int MPI_Error_string(int errorcode, byte[] string, IntByReference resultlen);
  }

  /** The addresses of Open MPI's predefined objects, which are its handles. */
  record Handles(
      Pointer commWorld, Pointer floatType, Pointer byteType, Pointer sum, Pointer errorsReturn) {}

  private final Functions functions;
  private final Handles handles;
  private volatile String rankLabel;

  OpenMpi(Functions functions, Handles handles, String rankLabel) {
    this.functions = functions;
    this.handles = handles;
    this.rankLabel = rankLabel;
  }

  /**
   * Opens the library and reads the handles.
   *
   * @throws CollectiveException naming the library and what to install when it cannot be loaded
   */
  static OpenMpi load(String rankLabel) {
    Map<String, Object> options = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL);
    try {
      NativeLibrary library = NativeLibrary.getInstance(LIBRARY, options);
      Handles handles =
          new Handles(
              library.getGlobalVariableAddress("ompi_mpi_comm_world"),
              library.getGlobalVariableAddress("ompi_mpi_float"),
              library.getGlobalVariableAddress("ompi_mpi_byte"),
              library.getGlobalVariableAddress("ompi_mpi_op_sum"),
              library.getGlobalVariableAddress("ompi_mpi_errors_return"));
      Functions functions = Native.load(LIBRARY, Functions.class, options);
      return new OpenMpi(functions, handles, rankLabel);
    } catch (LinkageError | RuntimeException e) {
      throw new CollectiveException(
          "cannot load Open MPI for "
              + rankLabel
              + ": "
              + NativeLibraryProbe.oneLine(e.getMessage())
              + "; "
              + INSTALL_HINT,
          e);
    }
  }

  static final String INSTALL_HINT =
      "install Open MPI 4 or 5 (Debian/Ubuntu: apt-get install openmpi-bin) or add the directory"
          + " holding "
          + LIBRARY
          + " to LD_LIBRARY_PATH";

  /**
   * Empty when the library loads and is Open MPI's (it defines {@code ompi_mpi_comm_world});
   * otherwise what is wrong. Never throws.
   */
  static Optional<String> whyNotLoadable() {
    Optional<String> missing = NativeLibraryProbe.whyNotLoadable(LIBRARY);
    if (missing.isPresent()) {
      return Optional.of(LIBRARY + " not found (" + missing.get() + "); " + INSTALL_HINT);
    }
    try {
      NativeLibrary.getInstance(LIBRARY).getGlobalVariableAddress("ompi_mpi_comm_world");
      return Optional.empty();
    } catch (LinkageError | RuntimeException e) {
      return Optional.of(
          LIBRARY
              + " is not Open MPI's (no symbol ompi_mpi_comm_world); only Open MPI is supported");
    }
  }

  /** How messages name this process; set once the rank is known. */
  void rankLabel(String label) {
    this.rankLabel = label;
  }

  boolean initialized() {
    IntByReference flag = new IntByReference();
    check("MPI_Initialized", functions.MPI_Initialized(flag));
    return flag.getValue() != 0;
  }

  boolean finalized() {
    IntByReference flag = new IntByReference();
    check("MPI_Finalized", functions.MPI_Finalized(flag));
    return flag.getValue() != 0;
  }

  /** {@code MPI_Init_thread} without arguments; returns the thread level provided. */
  int initThread(int required) {
    IntByReference provided = new IntByReference();
    check("MPI_Init_thread", functions.MPI_Init_thread(null, null, required, provided));
    return provided.getValue();
  }

  /**
   * Makes errors on {@code MPI_COMM_WORLD} return codes instead of aborting inside the library
   * (MPI's default), so that they reach Java as exceptions naming the call.
   */
  void returnErrors() {
    check(
        "MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN)",
        functions.MPI_Comm_set_errhandler(handles.commWorld(), handles.errorsReturn()));
  }

  int commRank() {
    IntByReference rank = new IntByReference();
    check("MPI_Comm_rank", functions.MPI_Comm_rank(handles.commWorld(), rank));
    return rank.getValue();
  }

  int commSize() {
    IntByReference size = new IntByReference();
    check("MPI_Comm_size", functions.MPI_Comm_size(handles.commWorld(), size));
    return size.getValue();
  }

  /** In-place sum of {@code count} floats over {@code MPI_COMM_WORLD}; no copy of the buffer. */
  void allreduceSumInPlace(Buffer direct, int count) {
    check(
        "MPI_Allreduce",
        functions.MPI_Allreduce(
            MPI_IN_PLACE,
            Native.getDirectBufferPointer(direct),
            count,
            handles.floatType(),
            handles.sum(),
            handles.commWorld()));
  }

  void broadcastFloats(Buffer direct, int count, int root) {
    check(
        "MPI_Bcast",
        functions.MPI_Bcast(
            Native.getDirectBufferPointer(direct),
            count,
            handles.floatType(),
            root,
            handles.commWorld()));
  }

  void broadcastBytes(Buffer direct, int bytes, int root) {
    check(
        "MPI_Bcast",
        functions.MPI_Bcast(
            Native.getDirectBufferPointer(direct),
            bytes,
            handles.byteType(),
            root,
            handles.commWorld()));
  }

  void barrier() {
    check("MPI_Barrier", functions.MPI_Barrier(handles.commWorld()));
  }

  /** Ends every rank of the job; normally does not return. */
  void abort(int errorCode) {
    check("MPI_Abort", functions.MPI_Abort(handles.commWorld(), errorCode));
  }

  void finalizeMpi() {
    check("MPI_Finalize", functions.MPI_Finalize());
  }

  private void check(String call, int code) {
    if (code != MPI_SUCCESS) {
      throw new CollectiveException(
          call
              + " failed with MPI error code "
              + code
              + " ("
              + errorString(code)
              + ") on "
              + rankLabel);
    }
  }

  private String errorString(int code) {
    try {
      byte[] text = new byte[MPI_MAX_ERROR_STRING];
      IntByReference length = new IntByReference();
      if (functions.MPI_Error_string(code, text, length) != MPI_SUCCESS) {
        return "no description from MPI_Error_string";
      }
      int n = Math.max(0, Math.min(length.getValue(), text.length));
      return new String(text, 0, n, StandardCharsets.US_ASCII).trim();
    } catch (RuntimeException e) {
      return "no description: MPI_Error_string threw " + e;
    }
  }
}
