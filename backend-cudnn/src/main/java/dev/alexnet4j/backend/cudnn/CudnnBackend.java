package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.MultiplyPlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import jcuda.Pointer;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend SPI on cuDNN and cuBLAS: each GPU it opens is a device {@code cuda:i} ({@code i} the
 * CUDA device ordinal), with its own thread, stream and handles ({@link CudaDevice}). Through
 * {@link CudnnBackendModule} it opens only the GPUs of {@code alexnet4j.devices}, so that ranks
 * sharing a machine leave each other's GPUs alone.
 */
public final class CudnnBackend implements Backend {
  static final String NAME = "cudnn";
  private static final Logger LOG = LoggerFactory.getLogger(CudnnBackend.class);

  private final CudnnSettings settings;
  private final CudaCalls calls;
  private final List<CudaDevice> gpus;
  private final List<Device> devices;
  private final CallSite site = new CallSite("(all)", "cudnn backend");

  private volatile boolean closed;

  /** Opens every GPU; fails naming the call when the driver or a library refuses. */
  public CudnnBackend(CudnnSettings settings) {
    this(settings, null, new CudaCalls());
  }

  /**
   * Opens only the GPUs {@code open} lists (CUDA device ordinals, e.g. {@code alexnet4j.devices}),
   * in that order: a GPU not listed gets no context, stream, handle or memory from this process.
   *
   * @throws ConfigurationException naming {@code alexnet4j.devices} when the driver shows no such
   *     GPU
   */
  public CudnnBackend(CudnnSettings settings, List<Integer> open) {
    this(settings, Objects.requireNonNull(open, "open"), new CudaCalls());
  }

  CudnnBackend(CudnnSettings settings, CudaCalls calls) {
    this(settings, null, calls);
  }

  /** {@code open} null: every GPU the driver shows (the tests' and benchmarks' backend). */
  CudnnBackend(CudnnSettings settings, List<Integer> open, CudaCalls calls) {
    this.settings = settings;
    this.calls = calls;
    calls.runtime().loadRuntime();
    calls.cublas().loadCublas();
    calls.cudnn().loadCudnn();
    // Kernels compile on first use, but a missing NVRTC should fail here, not mid-epoch.
    calls.nvrtc().loadNvrtc();
    int count = calls.runtime().deviceCount(site);
    if (count <= 0) {
      throw new IllegalStateException("cudnn backend: the driver reports no CUDA GPU");
    }
    List<Integer> indices = open == null ? allOf(count) : requireVisible(open, count);
    List<CudaDevice> opened = new ArrayList<>();
    try {
      for (int i : indices) {
        opened.add(CudaDevice.open(i, calls));
      }
      enablePeerAccess(opened);
    } catch (RuntimeException e) {
      opened.forEach(CudaDevice::close);
      throw e;
    }
    this.gpus = List.copyOf(opened);
    List<Device> d = new ArrayList<>();
    for (CudaDevice g : gpus) {
      d.add(g.device());
    }
    this.devices = List.copyOf(d);
    LOG.info(
        "cudnn backend: devices {} (of {} visible), cuDNN {}, algorithm {}, deterministic {},"
            + " workspace limit {} MiB",
        devices,
        count,
        calls.cudnn().cudnnVersion(),
        settings.algorithm(),
        settings.deterministic(),
        settings.workspaceLimitBytes() >> 20);
  }

  private static List<Integer> allOf(int count) {
    List<Integer> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(i);
    }
    return all;
  }

  private static List<Integer> requireVisible(List<Integer> open, int count) {
    if (open.isEmpty()) {
      throw new ConfigurationException(
          DeviceSettings.KEY, "lists no GPU for the cudnn backend to open, e.g. [0]");
    }
    for (int i : open) {
      if (i < 0 || i >= count) {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        throw new ConfigurationException(
            DeviceSettings.KEY,
            "names cuda:"
                + i
                + " but the driver shows "
                + count
                + (count == 1 ? " GPU" : " GPUs")
                + " (cuda:0 to cuda:"
                + (count - 1)
                + (visible == null ? "" : ", CUDA_VISIBLE_DEVICES=" + visible)
                + "); list only those");
      }
    }
    return List.copyOf(open);
  }

  /**
   * Lets each GPU read the others' memory directly where the hardware allows (NVLink, PCIe P2P).
   */
  private void enablePeerAccess(List<CudaDevice> opened) {
    for (CudaDevice from : opened) {
      for (CudaDevice to : opened) {
        if (from != to && calls.runtime().canAccessPeer(site, from.index(), to.index())) {
          from.run(
              () ->
                  calls
                      .runtime()
                      .enablePeerAccess(
                          new CallSite(from.device().toString(), "peer access"), to.index()));
        }
      }
    }
  }

  public CudnnSettings settings() {
    return settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Device> devices() {
    return devices;
  }

  // ---- tensors and transfers --------------------------------------------------------------

  @Override
  public Tensor zeros(Device device, Shape shape) {
    CudaDevice gpu = gpu(device, "zeros");
    CallSite at = at(gpu, "zeros " + shape);
    return gpu.call(
        () -> {
          Pointer p = calls.runtime().malloc(at, CudaCalls.floatBytes(shape.size()));
          calls.runtime().memsetAsync(at, p, 0, CudaCalls.floatBytes(shape.size()), gpu.stream());
          return CudnnTensor.owning(p, shape, gpu);
        });
  }

  @Override
  public Tensor upload(Device device, Shape shape, float[] data) {
    CudaDevice gpu = gpu(device, "upload");
    checkLength(data, shape.size(), "upload to " + shape + " on " + device);
    CallSite at = at(gpu, "upload " + shape);
    return gpu.call(
        () -> {
          Pointer p = calls.runtime().malloc(at, CudaCalls.floatBytes(shape.size()));
          try {
            gpu.upload(at, data, p);
          } catch (RuntimeException e) {
            calls.runtime().free(at, p);
            throw e;
          }
          return CudnnTensor.owning(p, shape, gpu);
        });
  }

  @Override
  public void upload(float[] data, Tensor target) {
    CudnnTensor t = local(target, "upload", "target");
    checkLength(data, t.shape().size(), "upload to " + t.shape() + " on " + t.device());
    t.cudaDevice().upload(at(t.cudaDevice(), "upload " + t.shape()), data, t.pointer());
  }

  @Override
  public float[] download(Tensor tensor) {
    CudnnTensor t = local(tensor, "download", "tensor");
    return t.cudaDevice()
        .download(at(t.cudaDevice(), "download " + t.shape()), t.pointer(), t.shape().size());
  }

  @Override
  public Tensor copyTo(Tensor tensor, Device device) {
    CudnnTensor source = local(tensor, "copyTo", "tensor");
    CudnnTensor target = (CudnnTensor) zeros(device, source.shape());
    try {
      copy(source, target);
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
    return target;
  }

  /**
   * Same device: one async device-to-device copy on its stream. Across devices the host waits for
   * neither GPU: a two-way barrier of events orders the copy on the GPUs, as PyTorch's cross-device
   * copy does (aten/src/ATen/native/cuda/Copy.cu). The source's stream waits for the work queued so
   * far on the target's (which may still read or write the target), copies peer to peer after the
   * source's producer (through the host where the GPUs cannot reach each other), and the target's
   * stream waits for the copy before any work queued on it later. The copy runs on the source's
   * stream, so the work that may next overwrite the source follows it there by itself. As soon as
   * this returns, work on either device may read the target and overwrite the source; a host read
   * synchronises its own stream ({@link #download}).
   */
  @Override
  public void copy(Tensor source, Tensor target) {
    CudnnTensor s = local(source, "copy", "source");
    CudnnTensor t = local(target, "copy", "target");
    requireSameSize(s, t, "copy");
    long bytes = CudaCalls.floatBytes(s.shape().size());
    CudaDevice from = s.cudaDevice();
    CudaDevice to = t.cudaDevice();
    if (from == to) {
      from.run(
          () ->
              calls
                  .runtime()
                  .memcpyAsync(
                      at(from, "copy"),
                      t.pointer(),
                      s.pointer(),
                      bytes,
                      cudaMemcpyKind.cudaMemcpyDeviceToDevice,
                      from.stream()));
      return;
    }
    cudaEvent_t targetReady = to.mark(at(to, "copy from " + from.device()));
    CallSite at = at(from, "copy to " + to.device());
    cudaEvent_t copied =
        from.call(
            () -> {
              calls.runtime().waitEvent(at, from.stream(), targetReady);
              calls
                  .runtime()
                  .memcpyPeerAsync(
                      at, t.pointer(), to.index(), s.pointer(), from.index(), bytes, from.stream());
              return from.mark(at);
            });
    to.waitFor(at(to, "copy from " + from.device()), copied);
  }

  @Override
  public void add(Tensor source, Tensor target) {
    axpy(1f, source, target);
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    CudnnTensor s = local(x, "axpy", "x");
    CudnnTensor t = local(y, "axpy", "y");
    requireSameSize(s, t, "axpy");
    requireSameDevice(s, t, "axpy");
    CudaDevice gpu = t.cudaDevice();
    gpu.run(
        () ->
            calls
                .cublas()
                .saxpy(
                    at(gpu, "axpy"),
                    gpu.cublas(),
                    Math.toIntExact(t.shape().size()),
                    alpha,
                    s.pointer(),
                    t.pointer()));
  }

  @Override
  public void scale(Tensor tensor, float factor) {
    CudnnTensor t = local(tensor, "scale", "tensor");
    CudaDevice gpu = t.cudaDevice();
    gpu.run(
        () ->
            calls
                .cublas()
                .sscal(
                    at(gpu, "scale"),
                    gpu.cublas(),
                    Math.toIntExact(t.shape().size()),
                    factor,
                    t.pointer()));
  }

  /** x . x by cuBLAS, whose float sum overflows to infinity and propagates NaN, as required. */
  @Override
  public double sumOfSquares(Tensor tensor) {
    CudnnTensor t = local(tensor, "sumOfSquares", "tensor");
    CudaDevice gpu = t.cudaDevice();
    return gpu.call(
        () ->
            (double)
                calls
                    .cublas()
                    .sdot(
                        at(gpu, "sumOfSquares " + t.shape()),
                        gpu.cublas(),
                        Math.toIntExact(t.shape().size()),
                        t.pointer(),
                        t.pointer()));
  }

  @Override
  public void fill(Tensor tensor, float value) {
    CudnnTensor t = local(tensor, "fill", "tensor");
    CudaDevice gpu = t.cudaDevice();
    gpu.run(
        () ->
            gpu.kernels()
                .fill(at(gpu, "fill"), t.pointer(), Math.toIntExact(t.shape().size()), value));
  }

  @Override
  public Tensor reshape(Tensor tensor, Shape shape) {
    CudnnTensor t = local(tensor, "reshape", "tensor");
    if (t.shape().size() != shape.size()) {
      throw new IllegalArgumentException(
          "cudnn reshape on "
              + t.device()
              + ": cannot view "
              + t.shape()
              + " as "
              + shape
              + " (sizes differ)");
    }
    return CudnnTensor.borrowing(t.pointer(), shape, t.cudaDevice());
  }

  // ---- plans ------------------------------------------------------------------------------

  @Override
  public ConvolutionPlan convolution(
      Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient) {
    CudaDevice gpu = gpu(device, "convolution");
    return track(gpu, new CudnnConvolution(gpu, input, geometry, inputGradient, settings));
  }

  @Override
  public PoolingPlan maxPooling(Device device, Shape input, PoolingGeometry geometry) {
    CudaDevice gpu = gpu(device, "max pooling");
    return track(gpu, new CudnnMaxPooling(gpu, input, geometry, settings.deterministic()));
  }

  @Override
  public LrnPlan lrn(Device device, Shape input, LrnParameters parameters) {
    CudaDevice gpu = gpu(device, "lrn");
    return track(gpu, new CudnnLrn(gpu, input, parameters));
  }

  @Override
  public ElementwisePlan relu(Device device, Shape input) {
    CudaDevice gpu = gpu(device, "relu");
    return track(gpu, CudnnActivation.relu(gpu, input));
  }

  @Override
  public ElementwisePlan activation(Device device, Shape input, Activation activation) {
    CudaDevice gpu = gpu(device, activation.toString());
    return track(gpu, new CudnnActivation(gpu, input, activation));
  }

  @Override
  public MultiplyPlan multiply(Device device, Shape shape) {
    CudaDevice gpu = gpu(device, "multiply");
    return track(gpu, new CudnnMultiply(gpu, shape));
  }

  @Override
  public DropoutPlan dropout(Device device, Shape input, DropoutGeometry geometry) {
    CudaDevice gpu = gpu(device, "dropout");
    return track(gpu, new CudnnDropout(gpu, input, geometry));
  }

  @Override
  public DensePlan dense(
      Device device, int batch, int inFeatures, int outFeatures, boolean inputGradient) {
    CudaDevice gpu = gpu(device, "dense");
    return track(gpu, new CudnnDense(gpu, batch, inFeatures, outFeatures, inputGradient));
  }

  @Override
  public SoftmaxCrossEntropyPlan softmaxCrossEntropy(Device device, int batch, int classes) {
    CudaDevice gpu = gpu(device, "softmax cross-entropy");
    return track(gpu, new CudnnSoftmaxCrossEntropy(gpu, batch, classes));
  }

  @Override
  public SgdPlan sgd(Device device) {
    CudaDevice gpu = gpu(device, "sgd");
    return track(gpu, new CudnnSgd(gpu));
  }

  @Override
  public ChannelConcatPlan channelConcat(Device device, List<Shape> parts) {
    CudaDevice gpu = gpu(device, "channel concat");
    return track(gpu, new CudnnChannelConcat(gpu, parts));
  }

  @Override
  public TopKPlan topK(Device device, int batch, int classes, int k) {
    CudaDevice gpu = gpu(device, "top-k");
    return track(gpu, new CudnnTopK(gpu, batch, classes, k));
  }

  /**
   * Closes the plans their owners left open (warning about each: a leak), then the devices (event,
   * handles, streams, threads).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RuntimeException first = null;
    for (CudaDevice gpu : gpus) {
      try {
        gpu.plans().closeAll();
      } catch (RuntimeException e) {
        first = remember(first, e);
      }
    }
    for (CudaDevice gpu : gpus) {
      try {
        gpu.close();
      } catch (RuntimeException e) {
        first = remember(first, e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException remember(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  // ---- helpers ----------------------------------------------------------------------------

  /**
   * Records a plan until its owner closes it (the plan reports that to its device), so that the
   * backend's close can free, and name, any plan left open. Refused once the backend is closing.
   */
  private static <T extends AutoCloseable> T track(CudaDevice gpu, T plan) {
    return gpu.plans().add(plan);
  }

  private static CallSite at(CudaDevice gpu, String what) {
    return new CallSite(gpu.device().toString(), "cudnn " + what);
  }

  private CudaDevice gpu(Device device, String what) {
    checkOpen(what);
    if (device != null) {
      for (CudaDevice g : gpus) {
        if (g.device().equals(device)) {
          return g;
        }
      }
    }
    throw new IllegalArgumentException(
        "cudnn " + what + ": device " + device + " is not one of this backend's " + devices);
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("cudnn " + what + ": the backend was closed");
    }
  }

  private CudnnTensor local(Tensor tensor, String what, String role) {
    checkOpen(what);
    CudnnTensor t = CudnnTensor.of(tensor, "cudnn " + what, role);
    if (!gpus.contains(t.cudaDevice())) {
      throw new IllegalArgumentException(
          "cudnn " + what + ": " + role + " lives on " + t.device() + " of another backend");
    }
    return t;
  }

  private static void requireSameSize(CudnnTensor s, CudnnTensor t, String what) {
    if (s.shape().size() != t.shape().size()) {
      throw new IllegalArgumentException(
          "cudnn "
              + what
              + ": source "
              + s.shape()
              + " on "
              + s.device()
              + " and target "
              + t.shape()
              + " on "
              + t.device()
              + " differ in size");
    }
  }

  private static void requireSameDevice(CudnnTensor s, CudnnTensor t, String what) {
    if (s.cudaDevice() != t.cudaDevice()) {
      throw new IllegalArgumentException(
          "cudnn " + what + ": source lives on " + s.device() + " but target on " + t.device());
    }
  }

  private static void checkLength(float[] data, long expected, String where) {
    if (data == null) {
      throw new IllegalArgumentException("cudnn " + where + ": data must not be null");
    }
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "cudnn " + where + ": got " + data.length + " values, expected " + expected);
    }
  }

  @Override
  public String toString() {
    return "CudnnBackend" + devices;
  }
}
