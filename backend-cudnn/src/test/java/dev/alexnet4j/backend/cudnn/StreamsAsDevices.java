package dev.alexnet4j.backend.cudnn;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.cudaStream_t;

/**
 * Test and bench only: one GPU opened as several devices {@code cuda:0 .. cuda:n-1}, each with its
 * own thread, stream, cuDNN and cuBLAS handles (a {@link CudaDevice} each), so that the paper's
 * two-tower split can run on the two streams of a machine with a single GPU.
 *
 * <p>{@link CudnnBackend} cannot do this through configuration: a device is the value {@code
 * cuda:<ordinal>}, so opening one GPU twice would give two equal devices ({@code DeviceSettings}
 * rejects a device listed twice). Here the backend is told there are {@code n} GPUs, and every call
 * that names a device ordinal is sent to the one physical GPU: the towers get separate streams on
 * it, a "cross-device" copy is a peer copy within it ordered by the same events as between two
 * GPUs, and peer access is reported unavailable (a GPU cannot enable access to itself).
 */
public final class StreamsAsDevices {
  private StreamsAsDevices() {}

  /**
   * A cuDNN backend whose {@code count} devices are streams of the GPU with ordinal {@code gpu}.
   */
  public static CudnnBackend open(CudnnSettings settings, int gpu, int count) {
    List<Integer> devices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      devices.add(i);
    }
    return new CudnnBackend(
        settings,
        devices,
        new CudaCalls(
            new OneGpuCalls(gpu, count),
            new CudnnCalls(),
            new CublasCalls(),
            new NvrtcCalls(),
            new DriverCalls()));
  }

  /** {@link #open(CudnnSettings, int, int)} with the reference.conf settings. */
  public static CudnnBackend open(int gpu, int count) {
    return open(CudnnSettings.defaults(), gpu, count);
  }

  /** How many GPUs the driver shows (0 when it cannot say). */
  public static int visibleGpus() {
    int[] count = new int[1];
    CudaCalls calls = new CudaCalls();
    calls.runtime().loadRuntime();
    return calls.runtime().deviceCountStatus(count) == 0 ? count[0] : 0;
  }

  /** The real runtime calls, with every device ordinal mapped to {@code gpu}. */
  static final class OneGpuCalls extends RuntimeCalls {
    private final int gpu;
    private final int count;

    OneGpuCalls(int gpu, int count) {
      this.gpu = gpu;
      this.count = count;
    }

    @Override
    int deviceCountStatus(int[] out) {
      int status = super.deviceCountStatus(out);
      if (status == 0 && out[0] > gpu) {
        out[0] = count;
      }
      return status;
    }

    @Override
    int deviceCount(CallSite at) {
      int real = super.deviceCount(at);
      if (real <= gpu) {
        throw new IllegalStateException(
            "streams as devices: no GPU " + gpu + " (the driver shows " + real + ")");
      }
      return count;
    }

    @Override
    GpuProperties deviceProperties(CallSite at, int device) {
      return super.deviceProperties(at, gpu);
    }

    @Override
    void setDevice(CallSite at, int device) {
      super.setDevice(at, gpu);
    }

    @Override
    boolean canAccessPeer(CallSite at, int device, int peer) {
      return false;
    }

    @Override
    void memcpyPeerAsync(
        CallSite at,
        Pointer dst,
        int dstDevice,
        Pointer src,
        int srcDevice,
        long bytes,
        cudaStream_t stream) {
      super.memcpyPeerAsync(at, dst, gpu, src, gpu, bytes, stream);
    }
  }
}
