package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.tensor.Device;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

/**
 * One GPU: its thread, stream, cuDNN and cuBLAS handles, pinned staging buffer and compiled
 * kernels.
 *
 * <p>All native work for the device runs on its one thread ({@link #call}): a CUDA runtime context
 * is current per thread, and cuDNN and cuBLAS handles must not be used from two threads at once.
 * Work from another thread (a test, the trainer) hops onto it and waits; work already on it (the
 * model-parallel scheduler's device executor calling into a plan that calls back) runs directly.
 * Every op goes to the device's single stream, so ops on one device run in issue order and only
 * host transfers synchronise; work of two devices is ordered by events ({@link #mark}, {@link
 * #waitFor}), on the GPUs, never by the host waiting.
 */
final class CudaDevice implements AutoCloseable {
  /** Transfers move through the pinned buffer in chunks of at most this many bytes. */
  static final long STAGING_CHUNK_BYTES = 16L << 20;

  private final int index;
  private final Device device;
  private final CudaCalls calls;
  private final CallSite site;
  private final ExecutorService executor;
  private volatile Thread thread;
  private cudaStream_t stream;
  private cudnnHandle cudnn;
  private cublasHandle cublas;
  private Pointer staging;
  private CudaKernels kernels;
  private cudaEvent_t marker;
  private final OpenPlans plans;
  private volatile boolean closed;

  private CudaDevice(int index, CudaCalls calls) {
    this.index = index;
    this.device = new Device("cuda", index);
    this.calls = calls;
    this.site = new CallSite(device.toString(), "cudnn backend");
    this.plans = new OpenPlans("cudnn backend " + device);
    this.executor =
        Executors.newSingleThreadExecutor(
            work -> {
              Thread t = new Thread(work, "alexnet4j-cudnn-" + device);
              // A forgotten close must not keep the JVM alive after main returns.
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  /**
   * Selects the device on its thread and creates its stream and handles.
   *
   * @throws NativeCallException naming the failed call; what was created is released
   */
  static CudaDevice open(int index, CudaCalls calls) {
    CudaDevice d = new CudaDevice(index, calls);
    try {
      d.run(
          () -> {
            calls.runtime().setDevice(d.site, index);
            d.stream = calls.runtime().createStream(d.site);
            d.cudnn = calls.cudnn().createCudnn(d.site, d.stream);
            d.cublas = calls.cublas().createCublas(d.site, d.stream);
          });
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  int index() {
    return index;
  }

  Device device() {
    return device;
  }

  CudaCalls calls() {
    return calls;
  }

  cudaStream_t stream() {
    return stream;
  }

  cudnnHandle cudnn() {
    return cudnn;
  }

  cublasHandle cublas() {
    return cublas;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * The plans the backend made on this device that their owners have not closed; each plan's {@code
   * close} reports itself here.
   */
  OpenPlans plans() {
    return plans;
  }

  /** The kernels of this backend compiled for this GPU, compiled on first use. */
  CudaKernels kernels() {
    return call(
        () -> {
          if (kernels == null) {
            kernels = new CudaKernels(this);
          }
          return kernels;
        });
  }

  /** Runs {@code work} on this device's thread and returns its result; exceptions pass through. */
  <T> T call(Supplier<T> work) {
    if (Thread.currentThread() == thread) {
      return work.get();
    }
    if (closed) {
      throw new IllegalStateException("cudnn backend: device " + device + " was closed");
    }
    Future<T> result = executor.submit(work::get);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + device, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  void run(Runnable work) {
    call(
        () -> {
          work.run();
          return null;
        });
  }

  /** Device memory for {@code floats} floats, owned by the caller. */
  Pointer allocate(CallSite at, long floats) {
    return call(() -> calls.runtime().malloc(at, CudaCalls.floatBytes(floats)));
  }

  void free(CallSite at, Pointer pointer) {
    if (closed) {
      return; // the context is gone, and with it every allocation
    }
    run(() -> calls.runtime().free(at, pointer));
  }

  /** Copies host floats to device memory through the pinned buffer; returns when done. */
  void upload(CallSite at, float[] data, Pointer target) {
    run(
        () -> {
          long total = CudaCalls.floatBytes(data.length);
          for (long offset = 0; offset < total; offset += STAGING_CHUNK_BYTES) {
            long bytes = Math.min(STAGING_CHUNK_BYTES, total - offset);
            stagingBuffer(at, bytes)
                .asFloatBuffer()
                .put(data, (int) (offset / 4), (int) (bytes / 4));
            calls
                .runtime()
                .memcpyAsync(
                    at,
                    target.withByteOffset(offset),
                    staging,
                    bytes,
                    cudaMemcpyKind.cudaMemcpyHostToDevice,
                    stream);
            // The pinned buffer is reused by the next chunk: wait until the GPU has read it.
            calls.runtime().synchronize(at, stream);
          }
        });
  }

  /** Copies host ints (labels) to device memory through the pinned buffer. */
  void uploadInts(CallSite at, int[] data, Pointer target) {
    run(
        () -> {
          long bytes = 4L * data.length;
          stagingBuffer(at, bytes).asIntBuffer().put(data);
          calls
              .runtime()
              .memcpyAsync(
                  at, target, staging, bytes, cudaMemcpyKind.cudaMemcpyHostToDevice, stream);
          calls.runtime().synchronize(at, stream);
        });
  }

  /** Waits for the device's queued work, then copies {@code count} floats to the host. */
  float[] download(CallSite at, Pointer source, long count) {
    return call(
        () -> {
          float[] out = new float[Math.toIntExact(count)];
          long total = CudaCalls.floatBytes(count);
          for (long offset = 0; offset < total; offset += STAGING_CHUNK_BYTES) {
            long bytes = Math.min(STAGING_CHUNK_BYTES, total - offset);
            ByteBuffer buffer = stagingBuffer(at, bytes);
            calls
                .runtime()
                .memcpyAsync(
                    at,
                    staging,
                    source.withByteOffset(offset),
                    bytes,
                    cudaMemcpyKind.cudaMemcpyDeviceToHost,
                    stream);
            calls.runtime().synchronize(at, stream);
            buffer.asFloatBuffer().get(out, (int) (offset / 4), (int) (bytes / 4));
          }
          return out;
        });
  }

  /** Waits until every op queued on this device's stream has finished. */
  void synchronize(CallSite at) {
    run(() -> calls.runtime().synchronize(at, stream));
  }

  /**
   * Records this device's marker event after the work queued on its stream so far and returns it,
   * for another device's stream to wait on ({@link #waitFor}); the host waits for nothing. The one
   * event is recorded again by the next mark: a wait already issued keeps the record it saw (CUDA
   * runtime API, cudaStreamWaitEvent), and a wait that sees a later record only waits longer.
   */
  cudaEvent_t mark(CallSite at) {
    return call(
        () -> {
          if (marker == null) {
            marker = calls.runtime().createEvent(at);
          }
          calls.runtime().recordEvent(at, marker, stream);
          return marker;
        });
  }

  /**
   * Makes the work queued on this device's stream from now on wait, on the GPU, for what {@code
   * event} (another device's {@link #mark}) marked; the host does not wait.
   */
  void waitFor(CallSite at, cudaEvent_t event) {
    run(() -> calls.runtime().waitEvent(at, stream, event));
  }

  /** The pinned buffer, at least one staging chunk (or {@code bytes}) long, in native order. */
  private ByteBuffer stagingBuffer(CallSite at, long bytes) {
    if (staging == null) {
      staging = calls.runtime().mallocHost(at, STAGING_CHUNK_BYTES);
    }
    if (bytes > STAGING_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          at + ": a staged transfer of " + bytes + " bytes exceeds the pinned buffer");
    }
    return staging.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
  }

  /** Releases kernels, staging buffer, event, handles and stream, then stops the thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      if (thread != null) {
        run(this::release);
      }
    } finally {
      closed = true;
      executor.shutdown();
      try {
        executor.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void release() {
    CallSite at = new CallSite(device.toString(), "cudnn backend close");
    Closer closer = new Closer(at);
    if (kernels != null) {
      closer.add(kernels::close);
    }
    if (staging != null) {
      Pointer s = staging;
      closer.add(() -> calls.runtime().freeHost(at, s));
    }
    if (marker != null) {
      cudaEvent_t e = marker;
      closer.add(() -> calls.runtime().destroyEvent(at, e));
    }
    if (cublas != null) {
      cublasHandle h = cublas;
      closer.add(() -> calls.cublas().destroyCublas(at, h));
    }
    if (cudnn != null) {
      cudnnHandle h = cudnn;
      closer.add(() -> calls.cudnn().destroyCudnn(at, h));
    }
    if (stream != null) {
      cudaStream_t s = stream;
      closer.add(() -> calls.runtime().destroyStream(at, s));
    }
    closer.closeAll();
  }

  @Override
  public String toString() {
    return "CudaDevice[" + device + "]";
  }
}
