package dev.alexnet4j.distributed;

import java.nio.Buffer;

/**
 * The CUDA runtime and NCCL calls {@link NcclCollective} makes, each returning its raw status
 * ({@code cudaError_t} or {@code ncclResult_t}, 0 = success) for the collective to check. One
 * instance drives one GPU: it holds the communicator, the stream and the device staging buffer
 * between calls, so that the collective's logic (the bootstrap, the call order, the error mapping)
 * is tested with a mock and the native side stays this thin.
 */
interface NcclCalls {
  /** {@code NCCL_UNIQUE_ID_BYTES}. */
  int UNIQUE_ID_BYTES = 128;

  /** {@code cudaGetDeviceCount} into {@code count[0]}. */
  int cudaGetDeviceCount(int[] count);

  int cudaSetDevice(int device);

  /** {@code cudaStreamCreate} of the stream every later call runs on. */
  int cudaStreamCreate();

  /** {@code cudaMalloc} of the staging buffer, {@code bytes} long, freeing any previous one. */
  int cudaMallocStaging(long bytes);

  /** {@code cudaMemcpy} of {@code bytes} from the start of a direct host buffer to staging. */
  int cudaMemcpyToStaging(Buffer host, long bytes);

  /** {@code cudaMemcpy} of {@code bytes} from staging to the start of a direct host buffer. */
  int cudaMemcpyFromStaging(Buffer host, long bytes);

  int cudaStreamSynchronize();

  /** {@code ncclGetUniqueId} into {@code id} ({@link #UNIQUE_ID_BYTES} long). */
  int ncclGetUniqueId(byte[] id);

  int ncclCommInitRank(int size, byte[] id, int rank);

  /** {@code ncclAllReduce} in place on staging: {@code count} floats, sum. */
  int ncclAllReduceSum(long count);

  /** {@code ncclBroadcast} in place on staging: {@code bytes} bytes from {@code root}. */
  int ncclBroadcast(long bytes, int root);

  int ncclCommDestroy();

  /** {@code ncclCommAbort}: gives up on peers that will never answer. */
  int ncclCommAbort();

  /** Frees the staging buffer and destroys the stream; 0 when there was nothing to free. */
  int cudaRelease();

  String cudaErrorString(int status);

  String ncclErrorString(int status);
}
