package dev.alexnet4j.api.conformance;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static dev.alexnet4j.api.oracle.OracleAssertions.assertSameFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tensors and transfers: creation, exact round trips, copies that are independent, elementwise
 * helpers, reshape views that share memory, and errors on sizes that do not match. Transfers are
 * checked between every pair of the backend's devices.
 */
public abstract class TensorConformance extends BackendConformance {

  static Stream<Shape> shapes() {
    return Stream.of(
        Shape.of(1), Shape.of(3, 7), Shape.nchw(2, 3, 4, 5), Shape.nchw(1, 96, 55, 55));
  }

  /** Values a transfer must keep bit for bit: signed zero, subnormals, extremes. */
  private static float[] awkward(Shape shape) {
    float[] x = uniform(random("tensor " + shape), shape.size(), -100, 100);
    float[] special = {
      -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, 1f / 3
    };
    for (int i = 0; i < x.length && i < special.length; i++) {
      x[i * 7 % x.length] = special[i];
    }
    return x;
  }

  private Tensor uploadTo(Device device, Shape shape, float[] data) {
    Tensor tensor = closeAfterTest(backend().upload(device, shape, data));
    assertEquals(device, tensor.device(), what("upload device", shape));
    assertEquals(shape, tensor.shape(), what("upload shape", shape));
    return tensor;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void zerosAreZeroOnEveryDevice(Shape shape) {
    for (Device device : backend().devices()) {
      Tensor tensor = closeAfterTest(backend().zeros(device, shape));
      assertEquals(device, tensor.device(), what("zeros device", shape));
      assertEquals(shape, tensor.shape(), what("zeros shape", shape));
      assertSameFloats(
          what("zeros on " + device, shape),
          download(tensor),
          new float[(int) shape.size()],
          shape);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void uploadAndDownloadAreExact(Shape shape) {
    float[] x = awkward(shape);
    for (Device device : backend().devices()) {
      Tensor tensor = uploadTo(device, shape, x);
      assertSameFloats(what("upload/download on " + device, shape), download(tensor), x, shape);
      float[] y = uniform(random("overwrite " + shape), shape.size(), -1, 1);
      backend().upload(y, tensor);
      assertSameFloats(
          what("upload into a tensor on " + device, shape), download(tensor), y, shape);
    }
  }

  @Test
  void uploadAndDownloadCopyTheHostArray() {
    Shape shape = Shape.of(2, 3);
    float[] x = {1, 2, 3, 4, 5, 6};
    Tensor tensor = upload(shape, x);
    x[0] = 100;
    float[] first = download(tensor);
    first[1] = 200;
    assertSameFloats(
        what("upload and download copy", shape),
        download(tensor),
        new float[] {1, 2, 3, 4, 5, 6},
        shape);
  }

  @Test
  void uploadOfWrongLengthFailsNamingBothSizes() {
    Shape shape = Shape.of(4, 6);
    IllegalArgumentException created =
        assertThrows(
            IllegalArgumentException.class,
            () -> closeAfterTest(backend().upload(device(), shape, new float[23])),
            what("upload of 23 values into a new 4x6 tensor", shape));
    assertMentions(created, "23", "24");
    Tensor tensor = zeros(shape);
    IllegalArgumentException into =
        assertThrows(
            IllegalArgumentException.class,
            () -> backend().upload(new float[25], tensor),
            what("upload of 25 values into a 4x6 tensor", shape));
    assertMentions(into, "25", "24");
  }

  private static void assertMentions(Exception e, String... values) {
    for (String value : values) {
      assertTrue(
          e.getMessage() != null && e.getMessage().contains(value),
          "the error should name the actual and expected sizes ("
              + String.join(", ", values)
              + "): "
              + e.getMessage());
    }
  }

  /** copyTo and copy work from every device to every device and leave independent tensors. */
  @Test
  void copiesAreExactAndIndependentBetweenAllDevices() {
    Shape shape = Shape.nchw(2, 3, 4, 5);
    float[] x = awkward(shape);
    for (Device from : backend().devices()) {
      for (Device to : backend().devices()) {
        String what = what("copy " + from + " -> " + to, shape);
        Tensor source = uploadTo(from, shape, x);
        Tensor copy = closeAfterTest(backend().copyTo(source, to));
        assertEquals(to, copy.device(), what + " device");
        assertEquals(shape, copy.shape(), what + " shape");
        Tensor target = closeAfterTest(backend().zeros(to, shape));
        backend().copy(source, target);
        backend().fill(source, 7f);
        assertSameFloats(what + " (copyTo)", download(copy), x, shape);
        assertSameFloats(what + " (copy)", download(target), x, shape);
      }
    }
  }

  @Test
  void copyOfAnotherSizeFails() {
    Tensor source = zeros(Shape.of(3, 4));
    Tensor target = zeros(Shape.of(13));
    assertThrows(
        IllegalArgumentException.class,
        () -> backend().copy(source, target),
        what("copy of 12 elements into 13", "3x4 -> 13"));
  }

  @Test
  void copyBetweenShapesOfTheSameSizeCopiesRowMajor() {
    float[] x = uniform(random("copy reshape"), 12, -1, 1);
    Tensor source = upload(Shape.of(3, 4), x);
    Tensor target = zeros(Shape.of(2, 6));
    backend().copy(source, target);
    assertSameFloats(what("copy", "3x4 -> 2x6"), download(target), x, Shape.of(2, 6));
  }

  @Test
  void elementwiseHelpersMatchReference() {
    Shape shape = Shape.of(5, 9);
    float[] a = uniform(random("add a"), shape.size(), -1, 1);
    float[] b = uniform(random("add b"), shape.size(), -1, 1);
    double[] sum = new double[a.length];
    double[] axpy = new double[a.length];
    double[] scaled = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = (double) b[i] + a[i];
      axpy[i] = (double) b[i] + -2.5 * a[i];
      scaled[i] = 0.75 * a[i];
    }
    Tensor target = upload(shape, b);
    backend().add(upload(shape, a), target);
    assertClose(what("add", shape), download(target), sum, shape, Tolerances.ELEMENTWISE);

    Tensor y = upload(shape, b);
    backend().axpy(-2.5f, upload(shape, a), y);
    assertClose(what("axpy, alpha -2.5", shape), download(y), axpy, shape, Tolerances.ELEMENTWISE);

    Tensor s = upload(shape, a);
    backend().scale(s, 0.75f);
    assertClose(what("scale by 0.75", shape), download(s), scaled, shape, Tolerances.ELEMENTWISE);

    backend().fill(s, -3.25f);
    float[] filled = new float[a.length];
    Arrays.fill(filled, -3.25f);
    assertSameFloats(what("fill -3.25", shape), download(s), filled, shape);
  }

  @Test
  void sumOfSquaresMatchesReferenceAndPropagatesNonFinite() {
    Shape shape = Shape.nchw(1, 96, 55, 55);
    float[] x = uniform(random("sum of squares"), shape.size(), -1, 1);
    double expected = 0;
    for (float v : x) {
      expected += (double) v * v;
    }
    Tensor tensor = upload(shape, x);
    assertClose(
        what("sum of squares", shape),
        new float[] {(float) backend().sumOfSquares(tensor)},
        new double[] {expected},
        Tolerances.LARGE_REDUCTION);
    x[1234] = Float.NaN;
    backend().upload(x, tensor);
    double withNan = backend().sumOfSquares(tensor);
    assertTrue(
        Double.isNaN(withNan), what("sum of squares with a NaN", shape) + ": got " + withNan);
    x[1234] = Float.NEGATIVE_INFINITY;
    backend().upload(x, tensor);
    double withInfinity = backend().sumOfSquares(tensor);
    assertTrue(
        Double.isInfinite(withInfinity) || Double.isNaN(withInfinity),
        what("sum of squares with an infinity", shape) + ": got " + withInfinity);
  }

  /**
   * A reshape is a view: writes through either side show in the other; closing it frees nothing.
   */
  @Test
  void reshapeIsAViewSharingMemory() {
    Shape shape = Shape.nchw(2, 3, 4, 5);
    Shape flat = Shape.of(2, 60);
    float[] x = uniform(random("reshape"), shape.size(), -1, 1);
    Tensor tensor = upload(shape, x);
    Tensor view = backend().reshape(tensor, flat);
    assertEquals(flat, view.shape(), what("reshape view shape", shape));
    assertEquals(tensor.device(), view.device(), what("reshape view device", shape));
    assertSameFloats(what("reshape view contents", shape), download(view), x, flat);

    backend().fill(view, 2f);
    float[] twos = new float[x.length];
    Arrays.fill(twos, 2f);
    assertSameFloats(
        what("write through the view, read the original", shape), download(tensor), twos, shape);

    backend().upload(x, tensor);
    assertSameFloats(
        what("write the original, read through the view", shape), download(view), x, flat);

    view.close();
    assertSameFloats(what("original after closing its view", shape), download(tensor), x, shape);
  }

  @Test
  void reshapeToAnotherSizeFails() {
    Tensor tensor = zeros(Shape.of(3, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> closeAfterTest(backend().reshape(tensor, Shape.of(13))),
        what("reshape of 12 elements to 13", "3x4"));
  }

  @Test
  void closeIsIdempotent() {
    Tensor tensor = backend().zeros(device(), Shape.of(4));
    tensor.close();
    tensor.close();
    Tensor other = zeros(Shape.of(4));
    assertSameFloats(
        what("a tensor made after another was closed twice", "4"),
        download(other),
        new float[4],
        Shape.of(4));
  }
}
