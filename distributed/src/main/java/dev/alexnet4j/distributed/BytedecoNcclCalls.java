package dev.alexnet4j.distributed;

import java.nio.Buffer;
import java.util.Optional;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nccl;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * {@link NcclCalls} through JavaCPP's CUDA presets ({@code org.bytedeco:cuda}). The only class of
 * this module that touches them: loading it does not load native code, {@link #whyNotLoadable()}
 * and the first call do.
 */
final class BytedecoNcclCalls implements NcclCalls {
  private ncclComm comm;
  private CUstream_st stream;
  private Pointer staging;

  /**
   * Empty when the CUDA runtime, NCCL and a GPU are usable; otherwise what is missing. Never
   * throws: JavaCPP reports a missing library as an {@link UnsatisfiedLinkError}, which is caught.
   */
  static Optional<String> whyNotLoadable() {
    try {
      Loader.load(cudart.class);
      Loader.load(nccl.class);
    } catch (LinkageError | RuntimeException e) {
      return Optional.of(
          "the CUDA runtime or NCCL cannot be loaded through org.bytedeco:cuda ("
              + NativeLibraryProbe.oneLine(rootCause(e).getMessage())
              + ")");
    }
    int[] count = new int[1];
    int status = cudart.cudaGetDeviceCount(count);
    if (status != cudart.cudaSuccess) {
      return Optional.of(
          "no usable CUDA device: cudaGetDeviceCount failed with "
              + status
              + " ("
              + cudart.cudaGetErrorString(status).getString()
              + ")");
    }
    if (count[0] == 0) {
      return Optional.of("no CUDA device: cudaGetDeviceCount found 0");
    }
    return Optional.empty();
  }

  /**
   * The CUDA runtime the org.bytedeco:cuda presets on the class path were built against, as the
   * file name their JNI bridge loads: {@code libcudart.so.11.0} for 11.x, {@code libcudart.so.12}
   * and {@code libcudart.so.13} after. Read from the presets' jar, without loading native code.
   */
  static String cudaRuntimeSoname() {
    String version;
    try {
      version = Loader.getVersion("org.bytedeco", "cuda");
    } catch (java.io.IOException | RuntimeException e) {
      version = null;
    }
    return cudaRuntimeSoname(version);
  }

  static String cudaRuntimeSoname(String presetsVersion) {
    if (presetsVersion == null || !presetsVersion.matches("\\d+\\..*")) {
      return "the CUDA runtime (libcudart) org.bytedeco:cuda was built for";
    }
    int major = Integer.parseInt(presetsVersion.substring(0, presetsVersion.indexOf('.')));
    return "libcudart.so." + major + (major <= 11 ? ".0" : "");
  }

  /** The number of CUDA devices; call only after {@link #whyNotLoadable()} said all is well. */
  static int deviceCount() {
    int[] count = new int[1];
    int status = cudart.cudaGetDeviceCount(count);
    return status == cudart.cudaSuccess ? count[0] : 0;
  }

  // JavaCPP's last attempt ("no jnicudart in java.library.path") hides the first one's reason,
  // the library the bridge could not link (libcuda.so.1, libnccl.so.2), in its cause.
  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public int cudaGetDeviceCount(int[] count) {
    return cudart.cudaGetDeviceCount(count);
  }

  @Override
  public int cudaSetDevice(int device) {
    return cudart.cudaSetDevice(device);
  }

  @Override
  public int cudaStreamCreate() {
    stream = new CUstream_st();
    return cudart.cudaStreamCreate(stream);
  }

  @Override
  public int cudaMallocStaging(long bytes) {
    if (staging != null) {
      int freed = cudart.cudaFree(staging);
      staging = null;
      if (freed != cudart.cudaSuccess) {
        return freed;
      }
    }
    Pointer p = new Pointer();
    int status = cudart.cudaMalloc(p, bytes);
    if (status == cudart.cudaSuccess) {
      staging = p;
    }
    return status;
  }

  @Override
  public int cudaMemcpyToStaging(Buffer host, long bytes) {
    return cudart.cudaMemcpy(staging, hostPointer(host), bytes, cudart.cudaMemcpyHostToDevice);
  }

  @Override
  public int cudaMemcpyFromStaging(Buffer host, long bytes) {
    return cudart.cudaMemcpy(hostPointer(host), staging, bytes, cudart.cudaMemcpyDeviceToHost);
  }

  // The start of the buffer whatever its position: the Collective contract ignores positions.
  private static Pointer hostPointer(Buffer host) {
    return new Pointer(host).position(0);
  }

  @Override
  public int cudaStreamSynchronize() {
    return cudart.cudaStreamSynchronize(stream);
  }

  @Override
  public int ncclGetUniqueId(byte[] id) {
    ncclUniqueId unique = new ncclUniqueId();
    int status = nccl.ncclGetUniqueId(unique);
    if (status == nccl.ncclSuccess) {
      unique.internal().get(id, 0, UNIQUE_ID_BYTES);
    }
    return status;
  }

  @Override
  public int ncclCommInitRank(int size, byte[] id, int rank) {
    ncclUniqueId unique = new ncclUniqueId();
    unique.internal().put(id, 0, UNIQUE_ID_BYTES);
    comm = new ncclComm();
    return nccl.ncclCommInitRank(comm, size, unique, rank);
  }

  @Override
  public int ncclAllReduceSum(long count) {
    return nccl.ncclAllReduce(staging, staging, count, nccl.ncclFloat, nccl.ncclSum, comm, stream);
  }

  @Override
  public int ncclBroadcast(long bytes, int root) {
    return nccl.ncclBroadcast(staging, staging, bytes, nccl.ncclChar, root, comm, stream);
  }

  @Override
  public int ncclCommDestroy() {
    return comm == null ? nccl.ncclSuccess : nccl.ncclCommDestroy(comm);
  }

  @Override
  public int ncclCommAbort() {
    return comm == null ? nccl.ncclSuccess : nccl.ncclCommAbort(comm);
  }

  @Override
  public int cudaRelease() {
    int status = cudart.cudaSuccess;
    if (staging != null) {
      status = cudart.cudaFree(staging);
      staging = null;
    }
    if (stream != null) {
      int destroyed = cudart.cudaStreamDestroy(stream);
      stream = null;
      if (status == cudart.cudaSuccess) {
        status = destroyed;
      }
    }
    return status;
  }

  @Override
  public String cudaErrorString(int status) {
    BytePointer text = cudart.cudaGetErrorString(status);
    return text == null ? "unknown CUDA error" : text.getString();
  }

  @Override
  public String ncclErrorString(int status) {
    BytePointer text = nccl.ncclGetErrorString(status);
    return text == null ? "unknown NCCL error" : text.getString();
  }
}
