package dev.alexnet4j.api.conformance;

import dev.alexnet4j.api.backend.Activation;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.MultiplyPlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A float32 backend of plain loops on the Java heap: the slowest correct backend, kept to run the
 * conformance suite in the api module's own build, and a test double for layer and network tests
 * that need a real {@link Backend} without native code.
 *
 * <p>It sums sequentially in float on purpose, the least accurate order a real backend could use,
 * so that passing here shows the tolerances leave room for float32. It shares no code with the
 * double reference in {@code dev.alexnet4j.api.oracle}: the LRN backward, for one, uses the closed
 * form of {@link LrnPlan} where the reference differentiates the definition.
 *
 * <p>Its devices ({@code naive:0}, {@code naive:1}, ...) are labels on heap arrays, enough to test
 * that transfers and device checks work.
 */
public final class NaiveFloatBackend implements Backend {
  private final List<Device> devices;
  private boolean closed;

  /** One device. */
  public NaiveFloatBackend() {
    this(1);
  }

  public NaiveFloatBackend(int deviceCount) {
    if (deviceCount <= 0) {
      throw new IllegalArgumentException("device count must be > 0, got " + deviceCount);
    }
    List<Device> list = new ArrayList<>();
    for (int i = 0; i < deviceCount; i++) {
      list.add(new Device("naive", i));
    }
    devices = List.copyOf(list);
  }

  @Override
  public String name() {
    return "naive";
  }

  @Override
  public List<Device> devices() {
    return devices;
  }

  // ---- tensors and transfers ----------------------------------------------------------------

  @Override
  public Tensor zeros(Device device, Shape shape) {
    requireOpen();
    return new NaiveTensor(new float[Math.toIntExact(shape.size())], shape, checkDevice(device));
  }

  @Override
  public Tensor upload(Device device, Shape shape, float[] data) {
    requireOpen();
    requireLength("upload", data.length, shape);
    return new NaiveTensor(data.clone(), shape, checkDevice(device));
  }

  @Override
  public void upload(float[] data, Tensor target) {
    NaiveTensor t = open(target);
    requireLength("upload", data.length, t.shape);
    System.arraycopy(data, 0, t.data, 0, data.length);
  }

  @Override
  public float[] download(Tensor tensor) {
    return open(tensor).data.clone();
  }

  @Override
  public Tensor copyTo(Tensor tensor, Device device) {
    NaiveTensor t = open(tensor);
    return new NaiveTensor(t.data.clone(), t.shape, checkDevice(device));
  }

  @Override
  public void copy(Tensor source, Tensor target) {
    NaiveTensor s = open(source);
    NaiveTensor t = open(target);
    requireLength("copy", s.data.length, t.shape);
    System.arraycopy(s.data, 0, t.data, 0, s.data.length);
  }

  @Override
  public void add(Tensor source, Tensor target) {
    NaiveTensor s = open(source);
    NaiveTensor t = open(target);
    requireLength("add", s.data.length, t.shape);
    if (!s.device.equals(t.device)) {
      throw new IllegalArgumentException(
          "add needs one device, got " + s.device + " and " + t.device);
    }
    for (int i = 0; i < s.data.length; i++) {
      t.data[i] += s.data[i];
    }
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    NaiveTensor s = open(x);
    NaiveTensor t = open(y);
    requireLength("axpy", s.data.length, t.shape);
    if (!s.device.equals(t.device)) {
      throw new IllegalArgumentException(
          "axpy needs one device, got " + s.device + " and " + t.device);
    }
    for (int i = 0; i < s.data.length; i++) {
      t.data[i] += alpha * s.data[i];
    }
  }

  @Override
  public void scale(Tensor tensor, float factor) {
    float[] data = open(tensor).data;
    for (int i = 0; i < data.length; i++) {
      data[i] *= factor;
    }
  }

  @Override
  public double sumOfSquares(Tensor tensor) {
    double sum = 0;
    for (float v : open(tensor).data) {
      sum += (double) v * v;
    }
    return sum;
  }

  @Override
  public void fill(Tensor tensor, float value) {
    Arrays.fill(open(tensor).data, value);
  }

  @Override
  public Tensor reshape(Tensor tensor, Shape shape) {
    NaiveTensor t = open(tensor);
    requireLength("reshape", t.data.length, shape);
    return new NaiveTensor(t.data, shape, t.device, true);
  }

  // ---- plans --------------------------------------------------------------------------------

  @Override
  public ConvolutionPlan convolution(
      Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient) {
    return new Convolution(checkDevice(device), input, geometry, inputGradient);
  }

  @Override
  public PoolingPlan maxPooling(Device device, Shape input, PoolingGeometry geometry) {
    return new Pooling(checkDevice(device), input, geometry);
  }

  @Override
  public LrnPlan lrn(Device device, Shape input, LrnParameters parameters) {
    return new Lrn(checkDevice(device), input, parameters);
  }

  @Override
  public ElementwisePlan relu(Device device, Shape input) {
    return new Relu(checkDevice(device), input);
  }

  @Override
  public ElementwisePlan activation(Device device, Shape input, Activation activation) {
    return new Act(checkDevice(device), input, activation);
  }

  @Override
  public MultiplyPlan multiply(Device device, Shape shape) {
    return new Multiply(checkDevice(device), shape);
  }

  @Override
  public DropoutPlan dropout(Device device, Shape input, DropoutGeometry geometry) {
    return new Dropout(checkDevice(device), input, geometry);
  }

  @Override
  public DensePlan dense(
      Device device, int batch, int inFeatures, int outFeatures, boolean inputGradient) {
    return new Dense(checkDevice(device), batch, inFeatures, outFeatures, inputGradient);
  }

  @Override
  public SoftmaxCrossEntropyPlan softmaxCrossEntropy(Device device, int batch, int classes) {
    return new SoftmaxCrossEntropy(checkDevice(device), batch, classes);
  }

  @Override
  public SgdPlan sgd(Device device) {
    return new Sgd(checkDevice(device));
  }

  @Override
  public ChannelConcatPlan channelConcat(Device device, List<Shape> parts) {
    return new ChannelConcat(checkDevice(device), parts);
  }

  @Override
  public TopKPlan topK(Device device, int batch, int classes, int k) {
    return new TopK(checkDevice(device), batch, classes, k);
  }

  @Override
  public void close() {
    closed = true;
  }

  // ---- checks -------------------------------------------------------------------------------

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("naive backend is closed");
    }
  }

  private Device checkDevice(Device device) {
    requireOpen();
    if (!devices.contains(device)) {
      throw new IllegalArgumentException(
          "naive backend has no device " + device + "; it has " + devices);
    }
    return device;
  }

  private static void requireLength(String op, long length, Shape shape) {
    if (length != shape.size()) {
      throw new IllegalArgumentException(
          op + ": " + length + " values for shape " + shape + " of " + shape.size() + " elements");
    }
  }

  private NaiveTensor open(Tensor tensor) {
    requireOpen();
    if (!(tensor instanceof NaiveTensor t)) {
      throw new IllegalArgumentException("not a naive tensor: " + tensor);
    }
    if (t.closed) {
      throw new IllegalStateException("tensor " + t.shape + " on " + t.device + " is closed");
    }
    return t;
  }

  /** The tensor's data, after checking it is on the plan's device and has the expected shape. */
  private float[] data(String what, Tensor tensor, Device device, Shape shape) {
    NaiveTensor t = open(tensor);
    if (!t.device.equals(device)) {
      throw new IllegalArgumentException(what + " is on " + t.device + ", the plan on " + device);
    }
    if (shape != null && !t.shape.equals(shape)) {
      throw new IllegalArgumentException(what + " has shape " + t.shape + ", expected " + shape);
    }
    return t.data;
  }

  private static final class NaiveTensor implements Tensor {
    final float[] data;
    final Shape shape;
    final Device device;
    final boolean view;
    boolean closed;

    NaiveTensor(float[] data, Shape shape, Device device) {
      this(data, shape, device, false);
    }

    NaiveTensor(float[] data, Shape shape, Device device, boolean view) {
      this.data = data;
      this.shape = shape;
      this.device = device;
      this.view = view;
    }

    @Override
    public Shape shape() {
      return shape;
    }

    @Override
    public Device device() {
      return device;
    }

    @Override
    public void close() {
      // Heap memory needs no release; marking a non-view closed catches use after close.
      if (!view) {
        closed = true;
      }
    }

    @Override
    public String toString() {
      return "NaiveTensor " + shape + " on " + device;
    }
  }

  // ---- ops ----------------------------------------------------------------------------------

  private final class Convolution implements ConvolutionPlan {
    private final Device device;
    private final Shape in;
    private final Shape out;
    private final ConvolutionGeometry g;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private float[] x;
    private float[] w;

    Convolution(Device device, Shape in, ConvolutionGeometry g, boolean inputGradient) {
      this.device = device;
      this.in = in;
      this.g = g;
      this.out = g.outputShape(in);
      this.y = (NaiveTensor) zeros(device, out);
      this.dx = inputGradient ? (NaiveTensor) zeros(device, in) : null;
    }

    @Override
    public Shape outputShape() {
      return out;
    }

    @Override
    public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
      x = data("convolution input", input, device, in);
      w = data("convolution weight", weight, device, g.weightShape());
      float[] b =
          bias == null ? null : data("convolution bias", bias, device, Shape.of(out.channels()));
      int cg = g.inChannels() / g.groups();
      int og = g.outChannels() / g.groups();
      for (int n = 0; n < out.batch(); n++) {
        for (int o = 0; o < out.channels(); o++) {
          int c0 = (o / og) * cg;
          for (int p = 0; p < out.height(); p++) {
            for (int q = 0; q < out.width(); q++) {
              float sum = b == null ? 0f : b[o];
              for (int c = 0; c < cg; c++) {
                for (int i = 0; i < g.kernelHeight(); i++) {
                  int h = p * g.strideHeight() - g.padHeight() + i;
                  if (h < 0 || h >= in.height()) {
                    continue;
                  }
                  for (int j = 0; j < g.kernelWidth(); j++) {
                    int v = q * g.strideWidth() - g.padWidth() + j;
                    if (v >= 0 && v < in.width()) {
                      sum +=
                          w[((o * cg + c) * g.kernelHeight() + i) * g.kernelWidth() + j]
                              * x[
                                  ((n * in.channels() + c0 + c) * in.height() + h) * in.width()
                                      + v];
                    }
                  }
                }
              }
              y.data[((n * out.channels() + o) * out.height() + p) * out.width() + q] = sum;
            }
          }
        }
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
      float[] dy = data("convolution output gradient", outputGradient, device, out);
      float[] dw = data("convolution weight gradient", weightGradient, device, g.weightShape());
      float[] db =
          biasGradient == null
              ? null
              : data("convolution bias gradient", biasGradient, device, Shape.of(out.channels()));
      int cg = g.inChannels() / g.groups();
      int og = g.outChannels() / g.groups();
      Arrays.fill(dw, 0f);
      if (db != null) {
        Arrays.fill(db, 0f);
      }
      if (dx != null) {
        Arrays.fill(dx.data, 0f);
      }
      for (int n = 0; n < out.batch(); n++) {
        for (int o = 0; o < out.channels(); o++) {
          int c0 = (o / og) * cg;
          for (int p = 0; p < out.height(); p++) {
            for (int q = 0; q < out.width(); q++) {
              float grad = dy[((n * out.channels() + o) * out.height() + p) * out.width() + q];
              if (db != null) {
                db[o] += grad;
              }
              for (int c = 0; c < cg; c++) {
                for (int i = 0; i < g.kernelHeight(); i++) {
                  int h = p * g.strideHeight() - g.padHeight() + i;
                  if (h < 0 || h >= in.height()) {
                    continue;
                  }
                  for (int j = 0; j < g.kernelWidth(); j++) {
                    int v = q * g.strideWidth() - g.padWidth() + j;
                    if (v < 0 || v >= in.width()) {
                      continue;
                    }
                    int wi = ((o * cg + c) * g.kernelHeight() + i) * g.kernelWidth() + j;
                    int xi = ((n * in.channels() + c0 + c) * in.height() + h) * in.width() + v;
                    dw[wi] += grad * x[xi];
                    if (dx != null) {
                      dx.data[xi] += grad * w[wi];
                    }
                  }
                }
              }
            }
          }
        }
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      if (dx != null) {
        dx.close();
      }
    }
  }

  private final class Pooling implements PoolingPlan {
    private final Device device;
    private final Shape in;
    private final Shape out;
    private final PoolingGeometry g;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private final int[] argmax;

    Pooling(Device device, Shape in, PoolingGeometry g) {
      this.device = device;
      this.in = in;
      this.g = g;
      this.out = g.outputShape(in);
      this.y = (NaiveTensor) zeros(device, out);
      this.dx = (NaiveTensor) zeros(device, in);
      this.argmax = new int[Math.toIntExact(out.size())];
    }

    @Override
    public Shape outputShape() {
      return out;
    }

    @Override
    public Tensor forward(Tensor input) {
      float[] x = data("pooling input", input, device, in);
      int o = 0;
      for (int n = 0; n < out.batch(); n++) {
        for (int c = 0; c < out.channels(); c++) {
          int plane = (n * in.channels() + c) * in.height() * in.width();
          for (int p = 0; p < out.height(); p++) {
            for (int q = 0; q < out.width(); q++) {
              int best = -1;
              for (int a = 0; a < g.kernel(); a++) {
                int h = p * g.stride() - g.pad() + a;
                for (int b = 0; b < g.kernel(); b++) {
                  int v = q * g.stride() - g.pad() + b;
                  if (h >= 0 && h < in.height() && v >= 0 && v < in.width()) {
                    int at = plane + h * in.width() + v;
                    if (best < 0 || x[at] > x[best]) {
                      best = at;
                    }
                  }
                }
              }
              argmax[o] = best;
              y.data[o++] = x[best];
            }
          }
        }
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      float[] dy = data("pooling output gradient", outputGradient, device, out);
      Arrays.fill(dx.data, 0f);
      for (int o = 0; o < dy.length; o++) {
        dx.data[argmax[o]] += dy[o];
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      dx.close();
    }
  }

  private final class Lrn implements LrnPlan {
    private final Device device;
    private final Shape in;
    private final LrnParameters p;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private final float[] s;
    private final int rest;
    private float[] x;

    Lrn(Device device, Shape in, LrnParameters p) {
      if (in.channels() % p.groups() != 0) {
        throw new IllegalArgumentException(
            "LRN groups " + p.groups() + " do not divide the channels of " + in);
      }
      this.device = device;
      this.in = in;
      this.p = p;
      this.y = (NaiveTensor) zeros(device, in);
      this.dx = (NaiveTensor) zeros(device, in);
      this.s = new float[Math.toIntExact(in.size())];
      this.rest = (int) (in.sampleSize() / in.channels());
    }

    private int low(int c) {
      int size = in.channels() / p.groups();
      return Math.max((c / size) * size, c - p.halfWidth());
    }

    private int high(int c) {
      int size = in.channels() / p.groups();
      return Math.min((c / size) * size + size - 1, c + p.halfWidth());
    }

    /** sum over c's window of f at (n, ., r). */
    private float windowSum(float[] f, int n, int c, int r) {
      float sum = 0f;
      for (int j = low(c); j <= high(c); j++) {
        sum += f[(n * in.channels() + j) * rest + r];
      }
      return sum;
    }

    @Override
    public Tensor forward(Tensor input) {
      x = data("LRN input", input, device, in);
      float[] squares = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        squares[i] = x[i] * x[i];
      }
      for (int n = 0; n < in.batch(); n++) {
        for (int c = 0; c < in.channels(); c++) {
          for (int r = 0; r < rest; r++) {
            int i = (n * in.channels() + c) * rest + r;
            s[i] = (float) p.k() + (float) p.alpha() * windowSum(squares, n, c, r);
            y.data[i] = x[i] * (float) Math.pow(s[i], -p.beta());
          }
        }
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      float[] g = data("LRN output gradient", outputGradient, device, in);
      float[] gys = new float[g.length];
      for (int i = 0; i < g.length; i++) {
        gys[i] = g[i] * y.data[i] / s[i];
      }
      float twoAlphaBeta = (float) (2 * p.alpha() * p.beta());
      for (int n = 0; n < in.batch(); n++) {
        for (int c = 0; c < in.channels(); c++) {
          for (int r = 0; r < rest; r++) {
            int i = (n * in.channels() + c) * rest + r;
            dx.data[i] =
                g[i] * (float) Math.pow(s[i], -p.beta())
                    - twoAlphaBeta * x[i] * windowSum(gys, n, c, r);
          }
        }
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      dx.close();
    }
  }

  private final class Relu implements ElementwisePlan {
    private final Device device;
    private final Shape in;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private float[] x;

    Relu(Device device, Shape in) {
      this.device = device;
      this.in = in;
      this.y = (NaiveTensor) zeros(device, in);
      this.dx = (NaiveTensor) zeros(device, in);
    }

    @Override
    public Tensor forward(Tensor input) {
      x = data("ReLU input", input, device, in);
      for (int i = 0; i < x.length; i++) {
        y.data[i] = x[i] > 0f ? x[i] : 0f;
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      float[] dy = data("ReLU output gradient", outputGradient, device, in);
      for (int i = 0; i < dy.length; i++) {
        dx.data[i] = x[i] > 0f ? dy[i] : 0f;
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      dx.close();
    }
  }

  /** Float math throughout, as a backend's kernels: Math.exp and Math.tanh rounded to float. */
  private final class Act implements ElementwisePlan {
    private final Device device;
    private final Shape in;
    private final Activation f;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private float[] x;

    Act(Device device, Shape in, Activation f) {
      this.device = device;
      this.in = in;
      this.f = f;
      this.y = (NaiveTensor) zeros(device, in);
      this.dx = (NaiveTensor) zeros(device, in);
    }

    @Override
    public Tensor forward(Tensor input) {
      x = data(f + " input", input, device, in);
      float alpha = (float) f.alpha();
      for (int i = 0; i < x.length; i++) {
        float v = x[i];
        y.data[i] =
            switch (f.function()) {
              case TANH -> (float) Math.tanh(v);
              case SIGMOID -> 1f / (1f + (float) Math.exp(-v));
              case EXP -> (float) Math.exp(v);
              case ELU -> v > 0f ? v : alpha * (float) Math.expm1(v);
            };
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      float[] dy = data(f + " output gradient", outputGradient, device, in);
      float alpha = (float) f.alpha();
      for (int i = 0; i < dy.length; i++) {
        float o = y.data[i];
        dx.data[i] =
            switch (f.function()) {
              case TANH -> dy[i] * (1f - o * o);
              case SIGMOID -> dy[i] * o * (1f - o);
              case EXP -> dy[i] * o;
              case ELU -> x[i] > 0f ? dy[i] : dy[i] * (o + alpha);
            };
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      dx.close();
    }
  }

  private final class Multiply implements MultiplyPlan {
    private final Device device;
    private final Shape in;
    private final NaiveTensor y;
    private final NaiveTensor da;
    private final NaiveTensor db;
    private float[] a;
    private float[] b;

    Multiply(Device device, Shape in) {
      this.device = device;
      this.in = in;
      this.y = (NaiveTensor) zeros(device, in);
      this.da = (NaiveTensor) zeros(device, in);
      this.db = (NaiveTensor) zeros(device, in);
    }

    @Override
    public Tensor forward(Tensor left, Tensor right) {
      a = data("multiply input a", left, device, in);
      b = data("multiply input b", right, device, in);
      for (int i = 0; i < a.length; i++) {
        y.data[i] = a[i] * b[i];
      }
      return y;
    }

    @Override
    public List<Tensor> backward(Tensor outputGradient) {
      float[] dy = data("multiply output gradient", outputGradient, device, in);
      for (int i = 0; i < dy.length; i++) {
        da.data[i] = dy[i] * b[i];
        db.data[i] = dy[i] * a[i];
      }
      return List.of(da, db);
    }

    @Override
    public void close() {
      y.close();
      da.close();
      db.close();
    }
  }

  private final class Dropout implements DropoutPlan {
    private final Device device;
    private final Shape in;
    private final DropoutGeometry g;
    private final NaiveTensor y;
    private final NaiveTensor dx;
    private final boolean[] keep;

    Dropout(Device device, Shape in, DropoutGeometry g) {
      if (g.channelOffset() + in.channels() > g.totalChannels()) {
        throw new IllegalArgumentException(
            "dropout slice of "
                + in.channels()
                + " channels at "
                + g.channelOffset()
                + " exceeds "
                + g.totalChannels());
      }
      this.device = device;
      this.in = in;
      this.g = g;
      this.y = (NaiveTensor) zeros(device, in);
      this.dx = (NaiveTensor) zeros(device, in);
      this.keep = new boolean[Math.toIntExact(in.size())];
    }

    @Override
    public Tensor forward(Tensor input, long seed, long step) {
      float[] x = data("dropout input", input, device, in);
      int key = DropoutMask.streamKey(seed, g.layerId(), step);
      int rest = (int) (in.sampleSize() / in.channels());
      float scale = 1f / (1f - g.rate());
      int i = 0;
      for (int n = 0; n < in.batch(); n++) {
        for (int c = 0; c < in.channels(); c++) {
          for (int r = 0; r < rest; r++, i++) {
            int global =
                ((g.batchOffset() + n) * g.totalChannels() + g.channelOffset() + c) * rest + r;
            keep[i] = DropoutMask.keep(key, global, g.rate());
            y.data[i] = keep[i] ? x[i] * scale : 0f;
          }
        }
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient) {
      float[] dy = data("dropout output gradient", outputGradient, device, in);
      float scale = 1f / (1f - g.rate());
      for (int i = 0; i < dy.length; i++) {
        dx.data[i] = keep[i] ? dy[i] * scale : 0f;
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      dx.close();
    }
  }

  private final class Dense implements DensePlan {
    private final Device device;
    private final int batch;
    private final int in;
    private final int out;
    private final boolean inputGradient;
    private final NaiveTensor y;
    private NaiveTensor dx;
    private float[] x;
    private float[] w;

    Dense(Device device, int batch, int in, int out, boolean inputGradient) {
      this.device = device;
      this.batch = batch;
      this.in = in;
      this.out = out;
      this.inputGradient = inputGradient;
      this.y = (NaiveTensor) zeros(device, Shape.of(batch, out));
    }

    @Override
    public Tensor forward(Tensor input, Tensor weight, Tensor bias) {
      Shape shape = input.shape();
      if (shape.batch() != batch || shape.sampleSize() != in) {
        throw new IllegalArgumentException(
            "dense input " + shape + " does not hold " + batch + " samples of " + in);
      }
      x = data("dense input", input, device, null);
      w = data("dense weight", weight, device, Shape.of(out, in));
      float[] b = bias == null ? null : data("dense bias", bias, device, Shape.of(out));
      for (int n = 0; n < batch; n++) {
        for (int o = 0; o < out; o++) {
          float sum = b == null ? 0f : b[o];
          for (int i = 0; i < in; i++) {
            sum += x[n * in + i] * w[o * in + i];
          }
          y.data[n * out + o] = sum;
        }
      }
      if (inputGradient && (dx == null || !dx.shape.equals(shape))) {
        // The plan learns the input's shape only here: dx must be shaped like it.
        if (dx != null) {
          dx.close();
        }
        dx = (NaiveTensor) zeros(device, shape);
      }
      return y;
    }

    @Override
    public Tensor backward(Tensor outputGradient, Tensor weightGradient, Tensor biasGradient) {
      float[] dy = data("dense output gradient", outputGradient, device, Shape.of(batch, out));
      float[] dw = data("dense weight gradient", weightGradient, device, Shape.of(out, in));
      float[] db =
          biasGradient == null
              ? null
              : data("dense bias gradient", biasGradient, device, Shape.of(out));
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          float sum = 0f;
          for (int n = 0; n < batch; n++) {
            sum += dy[n * out + o] * x[n * in + i];
          }
          dw[o * in + i] = sum;
        }
        if (db != null) {
          float sum = 0f;
          for (int n = 0; n < batch; n++) {
            sum += dy[n * out + o];
          }
          db[o] = sum;
        }
      }
      if (!inputGradient) {
        return null;
      }
      Arrays.fill(dx.data, 0f);
      for (int n = 0; n < batch; n++) {
        for (int o = 0; o < out; o++) {
          float grad = dy[n * out + o];
          for (int i = 0; i < in; i++) {
            dx.data[n * in + i] += grad * w[o * in + i];
          }
        }
      }
      return dx;
    }

    @Override
    public void close() {
      y.close();
      if (dx != null) {
        dx.close();
      }
    }
  }

  private final class SoftmaxCrossEntropy implements SoftmaxCrossEntropyPlan {
    private final Device device;
    private final int batch;
    private final int classes;
    private final NaiveTensor probabilities;
    private final NaiveTensor gradient;
    private final float[] logSum;
    private float[] z;

    SoftmaxCrossEntropy(Device device, int batch, int classes) {
      this.device = device;
      this.batch = batch;
      this.classes = classes;
      this.probabilities = (NaiveTensor) zeros(device, Shape.of(batch, classes));
      this.gradient = (NaiveTensor) zeros(device, Shape.of(batch, classes));
      this.logSum = new float[batch];
    }

    @Override
    public Tensor forward(Tensor logits) {
      z = data("softmax logits", logits, device, Shape.of(batch, classes));
      for (int n = 0; n < batch; n++) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, z[n * classes + c]);
        }
        float sum = 0f;
        for (int c = 0; c < classes; c++) {
          float e = (float) Math.exp(z[n * classes + c] - max);
          probabilities.data[n * classes + c] = e;
          sum += e;
        }
        for (int c = 0; c < classes; c++) {
          probabilities.data[n * classes + c] /= sum;
        }
        logSum[n] = max + (float) Math.log(sum);
      }
      return probabilities;
    }

    @Override
    public float loss(int[] labels) {
      checkLabels(labels);
      float total = 0f;
      for (int n = 0; n < batch; n++) {
        total += logSum[n] - z[n * classes + labels[n]];
      }
      return total / batch;
    }

    @Override
    public Tensor backward(int[] labels) {
      checkLabels(labels);
      for (int n = 0; n < batch; n++) {
        for (int c = 0; c < classes; c++) {
          float p = probabilities.data[n * classes + c];
          gradient.data[n * classes + c] = ((c == labels[n] ? p - 1f : p)) / batch;
        }
      }
      return gradient;
    }

    private void checkLabels(int[] labels) {
      if (labels.length != batch) {
        throw new IllegalArgumentException(labels.length + " labels for a batch of " + batch);
      }
      for (int label : labels) {
        if (label < 0 || label >= classes) {
          throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
        }
      }
    }

    @Override
    public void close() {
      probabilities.close();
      gradient.close();
    }
  }

  private final class Sgd implements SgdPlan {
    private final Device device;

    Sgd(Device device) {
      this.device = device;
    }

    @Override
    public void update(Tensor weight, Tensor gradient, Tensor velocity, SgdHyperparameters hp) {
      float[] w = data("SGD weight", weight, device, null);
      float[] g = data("SGD gradient", gradient, device, weight.shape());
      float[] v = data("SGD velocity", velocity, device, weight.shape());
      float lr = hp.learningRate();
      for (int i = 0; i < w.length; i++) {
        v[i] = hp.momentum() * v[i] - hp.weightDecay() * lr * w[i] - lr * g[i];
        w[i] += v[i];
      }
    }

    @Override
    public void close() {}
  }

  private final class ChannelConcat implements ChannelConcatPlan {
    private final Device device;
    private final List<Shape> parts;
    private final NaiveTensor y;
    private final List<Tensor> grads = new ArrayList<>();
    private final int rest;

    ChannelConcat(Device device, List<Shape> parts) {
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("channel concatenation needs at least one part");
      }
      Shape first = parts.get(0);
      int channels = 0;
      for (Shape part : parts) {
        if (!part.withChannels(first.channels()).equals(first)) {
          throw new IllegalArgumentException(
              "concatenation part " + part + " differs from " + first + " off axis 1");
        }
        channels += part.channels();
      }
      this.device = device;
      this.parts = List.copyOf(parts);
      this.y = (NaiveTensor) zeros(device, first.withChannels(channels));
      this.rest = (int) (first.sampleSize() / first.channels());
      for (Shape part : parts) {
        grads.add(zeros(device, part));
      }
    }

    @Override
    public Tensor forward(List<Tensor> inputs) {
      int total = y.shape.channels();
      int offset = 0;
      for (int k = 0; k < parts.size(); k++) {
        float[] x = data("concatenation part " + k, inputs.get(k), device, parts.get(k));
        int channels = parts.get(k).channels();
        for (int n = 0; n < y.shape.batch(); n++) {
          System.arraycopy(
              x, n * channels * rest, y.data, (n * total + offset) * rest, channels * rest);
        }
        offset += channels;
      }
      return y;
    }

    @Override
    public List<Tensor> backward(Tensor outputGradient) {
      float[] dy = data("concatenation gradient", outputGradient, device, y.shape);
      int total = y.shape.channels();
      int offset = 0;
      for (int k = 0; k < parts.size(); k++) {
        float[] dx = ((NaiveTensor) grads.get(k)).data;
        int channels = parts.get(k).channels();
        for (int n = 0; n < y.shape.batch(); n++) {
          System.arraycopy(
              dy, (n * total + offset) * rest, dx, n * channels * rest, channels * rest);
        }
        offset += channels;
      }
      return Collections.unmodifiableList(grads);
    }

    @Override
    public void close() {
      y.close();
      grads.forEach(Tensor::close);
    }
  }

  private final class TopK implements TopKPlan {
    private final Device device;
    private final int batch;
    private final int classes;
    private final int k;

    TopK(Device device, int batch, int classes, int k) {
      if (k <= 0 || k > classes) {
        throw new IllegalArgumentException("top-k needs 0 < k <= " + classes + ", got " + k);
      }
      this.device = device;
      this.batch = batch;
      this.classes = classes;
      this.k = k;
    }

    @Override
    public int[][] indices(Tensor scores) {
      float[] s = data("top-k scores", scores, device, Shape.of(batch, classes));
      int[][] result = new int[batch][];
      for (int n = 0; n < batch; n++) {
        int row = n;
        Integer[] order = new Integer[classes];
        Arrays.setAll(order, c -> c);
        // A stable sort by decreasing score keeps equal scores in increasing index order.
        Arrays.sort(order, (a, b) -> Float.compare(s[row * classes + b], s[row * classes + a]));
        result[n] = new int[k];
        for (int r = 0; r < k; r++) {
          result[n][r] = order[r];
        }
      }
      return result;
    }

    @Override
    public void close() {}
  }
}
