package dev.alexnet4j.api.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.oracle.FiniteDifferences;
import dev.alexnet4j.api.oracle.Tolerance;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of every conformance class: one backend per test class, made by {@link #createBackend()}
 * before the first test and closed after the last, and the tensors and plans of each test closed
 * after it.
 *
 * <p>A backend module runs a family of checks by extending its class, e.g.
 *
 * <pre>
 * class Nd4jConvolutionTest extends ConvolutionConformance {
 *   protected Backend createBackend() { return new Nd4jBackend(...); }
 * }
 * </pre>
 *
 * <p>Random data comes from a {@link SplittableRandom} seeded by the case name, so every case sees
 * the same numbers on every run and every backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformance {
  /** How many coordinates of each input a float finite-difference check perturbs. */
  protected static final int FINITE_DIFFERENCE_SAMPLES = 6;

  /** How many elements of each result a sampled comparison with the reference checks. */
  protected static final int REFERENCE_SAMPLES = 1500;

  private Backend backend;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** A fresh backend for this test class; the suite closes it. */
  protected abstract Backend createBackend();

  /** The device plans run on: the backend's first unless a subclass says otherwise. */
  protected Device device() {
    return backend().devices().get(0);
  }

  @BeforeAll
  final void openBackend() {
    backend = createBackend();
    assertNotNull(backend, "createBackend() returned null");
    assertFalse(backend.devices().isEmpty(), "backend " + backend.name() + " lists no devices");
  }

  @AfterEach
  final void closeTestResources() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  @AfterAll
  final void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  protected final Backend backend() {
    return backend;
  }

  /** Registers a tensor or plan to be closed after the test, last registered first. */
  protected final <T extends AutoCloseable> T closeAfterTest(T resource) {
    resources.push(resource);
    return resource;
  }

  /** A new tensor on {@link #device()} holding {@code data}, closed after the test. */
  protected final Tensor upload(Shape shape, float[] data) {
    Tensor tensor = closeAfterTest(backend.upload(device(), shape, data));
    assertEquals(shape, tensor.shape(), "shape of an uploaded tensor");
    return tensor;
  }

  /** A new tensor of zeros on {@link #device()}, closed after the test. */
  protected final Tensor zeros(Shape shape) {
    return closeAfterTest(backend.zeros(device(), shape));
  }

  /** The tensor's values, after checking the size matches its shape. */
  protected final float[] download(Tensor tensor) {
    float[] data = backend.download(tensor);
    assertEquals(tensor.shape().size(), data.length, "download of a " + tensor.shape() + " tensor");
    return data;
  }

  /**
   * A failure-message prefix naming backend, op and case, e.g. {@code [nd4j] lrn backward [case]}.
   */
  protected final String what(String op, Object testCase) {
    return "[" + backend.name() + "] " + op + " [" + testCase + "]";
  }

  /** The multi-dimensional index of a row-major flat index. */
  protected static int[] unravel(Shape shape, long flat) {
    int[] dims = shape.dims();
    int[] at = new int[dims.length];
    long rest = flat;
    for (int axis = dims.length - 1; axis >= 0; axis--) {
      at[axis] = (int) (rest % dims[axis]);
      rest /= dims[axis];
    }
    return at;
  }

  /** A reproducible random stream for one case. */
  protected static SplittableRandom random(String caseName) {
    return new SplittableRandom(0x5eed_a1e4_0000_0000L ^ caseName.hashCode());
  }

  /** A stable seed derived from a case name, for sampling coordinates. */
  protected static long seed(String caseName) {
    return 0x5a3b_1e00_0000_0000L ^ caseName.hashCode();
  }

  /** n values uniform in [lo, hi). */
  protected static float[] uniform(SplittableRandom random, long n, double lo, double hi) {
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble(lo, hi);
    }
    return values;
  }

  /**
   * n values no two of which are closer than {@code spacing}: a shuffled grid centred on zero. Max
   * pooling needs them, so that no window holds a tie and no finite-difference step changes a
   * window's winner.
   */
  protected static float[] distinct(SplittableRandom random, long n, double spacing) {
    int size = Math.toIntExact(n);
    int[] order = FiniteDifferences.all(size);
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) ((order[i] - size / 2) * spacing);
    }
    return values;
  }

  protected static double[] toDouble(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }

  /** sum_j r_j y_j in double: the random projection that turns an op into a scalar loss. */
  protected static double project(float[] y, float[] r) {
    if (y.length != r.length) {
      throw new IllegalArgumentException(
          "projection has " + r.length + " weights for " + y.length + " outputs");
    }
    double sum = 0;
    for (int j = 0; j < y.length; j++) {
      sum += (double) r[j] * y[j];
    }
    return sum;
  }

  /** {@code k} coordinates out of {@code size}, the same for a case on every run. */
  protected static int[] sample(long size, int k, String caseName) {
    return FiniteDifferences.sample(Math.toIntExact(size), k, seed(caseName));
  }

  /**
   * A backend's gradient against float central differences of the backend's own loss: perturbs
   * {@code x} (in place, restored after) at each coordinate by {@link Tolerances#FLOAT_STEP} and
   * divides by the step actually taken after rounding to float.
   *
   * @param loss uploads its argument where the op reads it, runs the forward, and returns the
   *     scalar loss
   */
  protected static void assertFloatFiniteDifferences(
      String what, float[] x, int[] coordinates, ToDoubleFunction<float[]> loss, float[] gradient) {
    Tolerance tolerance = Tolerances.FLOAT_FINITE_DIFFERENCE;
    StringBuilder failures = new StringBuilder();
    int bad = 0;
    for (int i : coordinates) {
      float saved = x[i];
      float plus = (float) (saved + Tolerances.FLOAT_STEP);
      float minus = (float) (saved - Tolerances.FLOAT_STEP);
      double lossPlus;
      double lossMinus;
      try {
        x[i] = plus;
        lossPlus = loss.applyAsDouble(x);
        x[i] = minus;
        lossMinus = loss.applyAsDouble(x);
      } finally {
        x[i] = saved;
      }
      double numeric = (lossPlus - lossMinus) / ((double) plus - (double) minus);
      if (!tolerance.accepts(gradient[i], numeric)) {
        bad++;
        failures
            .append("\n  coordinate ")
            .append(i)
            .append(": backward ")
            .append(gradient[i])
            .append(", finite difference ")
            .append(numeric);
      }
    }
    // Restores the original input on the device, so a later backward sees the forward it expects.
    loss.applyAsDouble(x);
    if (bad > 0) {
      fail(
          what
              + ": "
              + bad
              + " of "
              + coordinates.length
              + " sampled coordinates disagree with float central differences of the backend's"
              + " forward (h = "
              + Tolerances.FLOAT_STEP
              + ") beyond "
              + tolerance
              + failures);
    }
  }
}
