package dev.alexnet4j.backend.nd4j;

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
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend SPI on ND4J (nd4j-native with oneDNN by default, nd4j-cuda under {@code -Pcuda}).
 *
 * <p>On the CPU it exposes {@link Nd4jSettings#virtualDevices()} virtual devices {@code cpu:0 ..}
 * that share the same cores and memory, so that model-parallel placement runs, and is tested,
 * without GPUs; moving a tensor between them is a copy.
 */
public final class Nd4jBackend implements Backend {
  static final String NAME = "nd4j";
  private static final Logger LOG = LoggerFactory.getLogger(Nd4jBackend.class);

  private final Nd4jSettings settings;

  /** The convolution path that runs: the setting, with auto resolved for this ND4J build. */
  private final Nd4jConvolutionPath convolution;

  private final List<Device> devices;
  private final VirtualDeviceCores cores;

  /** Plans made here that their owners have not closed yet; each plan reports its close. */
  private final OpenPlans plans = new OpenPlans("nd4j backend");

  private volatile boolean closed;

  /**
   * Loads libnd4j (once per JVM) and applies the thread setting.
   *
   * @throws IllegalStateException if the native library cannot be loaded
   */
  public Nd4jBackend(Nd4jSettings settings) {
    this.settings = settings;
    String build = Nd4jNativeLibrary.load();
    if (settings.threads() > 0) {
      // Process-wide: ND4J has one thread pool, which all virtual devices share.
      Nd4j.getEnvironment().setMaxMasterThreads(settings.threads());
      Nd4j.getEnvironment().setMaxThreads(settings.threads());
    }
    List<Device> d = new ArrayList<>();
    for (int i = 0; i < settings.virtualDevices(); i++) {
      d.add(new Device("cpu", i));
    }
    this.devices = List.copyOf(d);
    this.cores = coreShares(settings);
    this.convolution = settings.convolution().resolve(Nd4jHostLoops.available());
    if (convolution == Nd4jConvolutionPath.ONEDNN) {
      // Loads oneDNN now, so that a machine or build where it cannot run fails at start-up.
      Nd4jOneDnn.engine();
    }
    LOG.info(
        "nd4j backend: devices {}, threads {} ({}), oneDNN {}, convolutions {}, device core shares"
            + " {}",
        devices,
        Nd4j.getEnvironment().maxThreads(),
        settings.threads() == 0 ? "ND4J default" : "alexnet4j.nd4j.threads",
        build.contains("HAVE_ONEDNN") ? "yes" : "no",
        convolution,
        cores);
  }

  /** Each virtual device's share of the cores (see {@link VirtualDeviceCores}), or none. */
  private static VirtualDeviceCores coreShares(Nd4jSettings settings) {
    if (settings.virtualDevices() < 2 || !Nd4jHostLoops.available()) {
      return VirtualDeviceCores.none();
    }
    String ompProcBind = System.getenv("OMP_PROC_BIND");
    if (VirtualDeviceCores.openMpBindsThreads(ompProcBind)) {
      LOG.warn(
          "nd4j: OMP_PROC_BIND={} makes libgomp bind every thread that starts an OpenMP region to"
              + " the first core, so the {} virtual devices' threads crowd one core (measured:"
              + " 0.80x one device with {} = true, 0.97x without){}. Unset OMP_PROC_BIND (or set"
              + " it to false) for several virtual devices.",
          ompProcBind,
          settings.virtualDevices(),
          Nd4jSettings.SHARE_CORES,
          settings.shareCores() ? "; the core shares are left off" : "");
      return VirtualDeviceCores.none();
    }
    if (!settings.shareCores()) {
      return VirtualDeviceCores.none();
    }
    List<Integer> cpus = Nd4jNativeLibrary.cpusAtLoad();
    if (settings.threads() > 0 && settings.threads() < cpus.size()) {
      cpus = cpus.subList(0, settings.threads());
    }
    return new VirtualDeviceCores(
        VirtualDeviceCores.partition(cpus, settings.virtualDevices()),
        CpuAffinity.supported(),
        threads -> NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads));
  }

  public Nd4jSettings settings() {
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

  /**
   * With several virtual CPU devices, gives the calling thread the device's share of the cores: its
   * OpenMP thread count, its host loops' width, and (Linux) its CPU affinity; see {@link
   * VirtualDeviceCores}. With one device, or {@code alexnet4j.nd4j.share-cores = false}, nothing.
   */
  @Override
  public void bindThread(Device device) {
    checkDevice(device, "bindThread");
    cores.bind(device);
  }

  /** The CPUs of the device's share, empty when devices are not given shares. */
  List<Integer> coreShare(Device device) {
    checkDevice(device, "coreShare");
    return cores.share(device.index());
  }

  // ---- tensors and transfers --------------------------------------------------------------

  @Override
  public Tensor zeros(Device device, Shape shape) {
    checkDevice(device, "zeros");
    return Nd4jTensor.owning(Nd4jOps.create(shape), shape, device);
  }

  @Override
  public Tensor upload(Device device, Shape shape, float[] data) {
    checkDevice(device, "upload");
    checkLength(data, shape.size(), "upload to " + shape + " on " + device);
    INDArray array = Nd4j.create(data, Nd4jTensor.longDims(shape), 'c');
    return Nd4jTensor.owning(array, shape, device);
  }

  @Override
  public void upload(float[] data, Tensor target) {
    Nd4jTensor t = local(target, "upload", "target");
    checkLength(data, t.shape().size(), "upload to " + t.shape() + " on " + t.device());
    INDArray a = t.array();
    FloatBuffer host = Nd4jHostLoops.floats(a);
    if (host != null) {
      // One bulk copy into the array's host memory: DataBuffer.setData(float[]) took 28 ms for
      // AlexNet's batch-32 input (0.7 GB/s).
      host.put(data);
    } else if (Nd4jOps.isDense(a)) {
      a.data().setData(data);
    } else {
      a.assign(Nd4j.create(data, a.shape(), 'c'));
    }
  }

  @Override
  public float[] download(Tensor tensor) {
    INDArray a = local(tensor, "download", "tensor").array();
    FloatBuffer host = Nd4jHostLoops.floats(a);
    if (host != null) {
      // One bulk copy, as in upload.
      float[] out = new float[host.remaining()];
      host.get(out);
      return out;
    }
    return Nd4jOps.isDense(a) ? a.data().asFloat() : a.dup('c').data().asFloat();
  }

  @Override
  public Tensor copyTo(Tensor tensor, Device device) {
    checkDevice(device, "copyTo");
    Nd4jTensor t = local(tensor, "copyTo", "tensor");
    // Virtual CPU devices share one memory: moving between them is a plain copy.
    return Nd4jTensor.owning(t.array().dup('c'), t.shape(), device);
  }

  @Override
  public void copy(Tensor source, Tensor target) {
    Nd4jTensor s = local(source, "copy", "source");
    Nd4jTensor t = local(target, "copy", "target");
    requireSameSize(s, t, "copy");
    t.array().assign(sameShape(s, t, "copy"));
  }

  @Override
  public void add(Tensor source, Tensor target) {
    Nd4jTensor s = local(source, "add", "source");
    Nd4jTensor t = local(target, "add", "target");
    requireSameSize(s, t, "add");
    requireSameDevice(s, t, "add");
    t.array().addi(sameShape(s, t, "add"));
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    Nd4jTensor s = local(x, "axpy", "x");
    Nd4jTensor t = local(y, "axpy", "y");
    requireSameSize(s, t, "axpy");
    requireSameDevice(s, t, "axpy");
    Nd4jOps.exec(new Axpy(sameShape(s, t, "axpy"), t.array(), t.array(), alpha), "nd4j axpy");
  }

  @Override
  public void scale(Tensor tensor, float factor) {
    local(tensor, "scale", "tensor").array().muli(factor);
  }

  @Override
  public double sumOfSquares(Tensor tensor) {
    INDArray a = local(tensor, "sumOfSquares", "tensor").array();
    INDArray result = Nd4j.scalar(DataType.FLOAT, 0f);
    Nd4jOps.exec(new SquaredNorm(a, result), "nd4j sumOfSquares of " + tensor.shape());
    return result.getDouble(0);
  }

  @Override
  public void fill(Tensor tensor, float value) {
    local(tensor, "fill", "tensor").array().assign(value);
  }

  @Override
  public Tensor reshape(Tensor tensor, Shape shape) {
    Nd4jTensor t = local(tensor, "reshape", "tensor");
    if (t.shape().size() != shape.size()) {
      throw new IllegalArgumentException(
          "nd4j reshape on "
              + t.device()
              + ": cannot view "
              + t.shape()
              + " as "
              + shape
              + " (sizes differ)");
    }
    INDArray view =
        Nd4jOps.reshapeView(t.array(), Nd4jTensor.longDims(shape), "nd4j reshape on " + t.device());
    return Nd4jTensor.borrowing(view, shape, t.device());
  }

  // ---- plans ------------------------------------------------------------------------------

  @Override
  public ConvolutionPlan convolution(
      Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient) {
    checkDevice(device, "convolution");
    return switch (convolution) {
      case ONEDNN -> track(new Nd4jOneDnnConvolution(device, input, geometry, inputGradient));
      case LIBND4J -> track(new Nd4jConvolution(device, input, geometry, inputGradient));
      case AUTO -> throw new IllegalStateException("auto is resolved when the backend is built");
    };
  }

  @Override
  public PoolingPlan maxPooling(Device device, Shape input, PoolingGeometry geometry) {
    checkDevice(device, "max pooling");
    return track(new Nd4jMaxPooling(device, input, geometry));
  }

  @Override
  public LrnPlan lrn(Device device, Shape input, LrnParameters parameters) {
    checkDevice(device, "lrn");
    return track(new Nd4jLrn(device, input, parameters));
  }

  @Override
  public ElementwisePlan relu(Device device, Shape input) {
    checkDevice(device, "relu");
    return track(new Nd4jRelu(device, input));
  }

  @Override
  public ElementwisePlan activation(Device device, Shape input, Activation activation) {
    checkDevice(device, activation.toString());
    return track(new Nd4jActivation(device, input, activation));
  }

  @Override
  public MultiplyPlan multiply(Device device, Shape shape) {
    checkDevice(device, "multiply");
    return track(new Nd4jMultiply(device, shape));
  }

  @Override
  public DropoutPlan dropout(Device device, Shape input, DropoutGeometry geometry) {
    checkDevice(device, "dropout");
    return track(new Nd4jDropout(device, input, geometry));
  }

  @Override
  public DensePlan dense(
      Device device, int batch, int inFeatures, int outFeatures, boolean inputGradient) {
    checkDevice(device, "dense");
    return track(new Nd4jDense(device, batch, inFeatures, outFeatures, inputGradient));
  }

  @Override
  public SoftmaxCrossEntropyPlan softmaxCrossEntropy(Device device, int batch, int classes) {
    checkDevice(device, "softmax cross-entropy");
    return track(new Nd4jSoftmaxCrossEntropy(device, batch, classes));
  }

  @Override
  public SgdPlan sgd(Device device) {
    checkDevice(device, "sgd");
    return track(new Nd4jSgd(device));
  }

  @Override
  public ChannelConcatPlan channelConcat(Device device, List<Shape> parts) {
    checkDevice(device, "channel concat");
    return track(new Nd4jChannelConcat(device, parts));
  }

  @Override
  public TopKPlan topK(Device device, int batch, int classes, int k) {
    checkDevice(device, "top-k");
    return track(new Nd4jTopK(device, batch, classes, k));
  }

  /**
   * Closes the plans their owners left open, warning about each (a leak); tensors are freed by
   * their owners or the garbage collector.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    plans.closeAll();
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** The plans still open, for tests. */
  OpenPlans openPlans() {
    return plans;
  }

  /** Holds a plan until its owner closes it; refused (the plan closed) once the backend closes. */
  private <T extends Nd4jPlan> T track(T plan) {
    plan.reportCloseTo(plans);
    return plans.add(plan);
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("nd4j " + what + ": the backend was closed");
    }
  }

  private void checkDevice(Device device, String what) {
    checkOpen(what);
    if (device == null || !devices.contains(device)) {
      throw new IllegalArgumentException(
          "nd4j " + what + ": device " + device + " is not one of this backend's " + devices);
    }
  }

  private Nd4jTensor local(Tensor tensor, String what, String role) {
    checkOpen(what);
    if (tensor == null) {
      throw new IllegalArgumentException("nd4j " + what + ": " + role + " must not be null");
    }
    if (!(tensor instanceof Nd4jTensor t)) {
      throw new IllegalArgumentException(
          "nd4j "
              + what
              + ": "
              + role
              + " is a "
              + tensor.getClass().getName()
              + " from another backend, not an nd4j tensor");
    }
    if (!devices.contains(t.device())) {
      throw new IllegalArgumentException(
          "nd4j " + what + ": " + role + " lives on " + t.device() + ", not on " + devices);
    }
    return t;
  }

  private static void requireSameSize(Nd4jTensor source, Nd4jTensor target, String what) {
    if (source.shape().size() != target.shape().size()) {
      throw new IllegalArgumentException(
          "nd4j "
              + what
              + ": source "
              + source.shape()
              + " on "
              + source.device()
              + " and target "
              + target.shape()
              + " on "
              + target.device()
              + " differ in size");
    }
  }

  private static void requireSameDevice(Nd4jTensor source, Nd4jTensor target, String what) {
    if (!source.device().equals(target.device())) {
      throw new IllegalArgumentException(
          "nd4j "
              + what
              + ": source lives on "
              + source.device()
              + " but target on "
              + target.device());
    }
  }

  /** The source array seen with the target's shape (a view when they differ). */
  private static INDArray sameShape(Nd4jTensor source, Nd4jTensor target, String what) {
    if (source.shape().equals(target.shape())) {
      return source.array();
    }
    return Nd4jOps.reshapeView(source.array(), Nd4jTensor.longDims(target.shape()), "nd4j " + what);
  }

  private static void checkLength(float[] data, long expected, String where) {
    if (data == null) {
      throw new IllegalArgumentException("nd4j " + where + ": data must not be null");
    }
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "nd4j " + where + ": got " + data.length + " values, expected " + expected);
    }
  }

  @Override
  public String toString() {
    return "Nd4jBackend" + devices;
  }
}
