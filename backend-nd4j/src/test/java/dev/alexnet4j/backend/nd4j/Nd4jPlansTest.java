package dev.alexnet4j.backend.nd4j;

import static dev.alexnet4j.api.oracle.OracleAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.backend.SgdPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.backend.TopKPlan;
import dev.alexnet4j.api.oracle.ReferenceChannelConcat;
import dev.alexnet4j.api.oracle.ReferenceDense;
import dev.alexnet4j.api.oracle.ReferenceDropout;
import dev.alexnet4j.api.oracle.ReferenceLrn;
import dev.alexnet4j.api.oracle.ReferencePooling;
import dev.alexnet4j.api.oracle.ReferenceRelu;
import dev.alexnet4j.api.oracle.ReferenceSgd;
import dev.alexnet4j.api.oracle.ReferenceSoftmaxCrossEntropy;
import dev.alexnet4j.api.oracle.ReferenceTopK;
import dev.alexnet4j.api.oracle.Tolerances;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J plans against the double references of api's test-jar, on small shapes and on the shapes
 * where this backend does something of its own: LRN through average pooling (groups and channel
 * counts below the window), the dropout mask from integer ops, dense on a 4-D input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jPlansTest {
  private Nd4jBackend backend;
  private Device cpu0;
  private Device cpu1;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  @BeforeAll
  void open() {
    backend = Nd4jTestBackends.createTwoDevices();
    cpu0 = backend.devices().get(0);
    cpu1 = backend.devices().get(1);
  }

  @AfterEach
  void closeResources() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.push(resource);
    return resource;
  }

  private Tensor upload(Shape shape, float[] data) {
    return keep(backend.upload(cpu0, shape, data));
  }

  private static float[] uniform(SplittableRandom random, long n, double lo, double hi) {
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(lo, hi);
    }
    return v;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Test
  void lrnMatchesReferenceWithGroups() {
    SplittableRandom random = new SplittableRandom(1);
    for (boolean hostLoops : new boolean[] {true, false})
      for (int groups : new int[] {1, 2, 3}) {
        for (Shape shape :
            List.of(
                Shape.nchw(2, 12, 3, 4),
                Shape.nchw(1, 6, 5, 5),
                Shape.of(3, 6),
                Shape.nchw(1, 3, 2, 2))) {
          if (shape.channels() % groups != 0) {
            continue;
          }
          // A large alpha makes the cross-channel terms of the gradient big enough to matter.
          LrnParameters p = new LrnParameters(5, 0.5, 0.75, 2.0, groups);
          float[] x = uniform(random, shape.size(), -2, 2);
          float[] g = uniform(random, shape.size(), -1, 1);
          // Both paths: Java loops over host memory, and the op chain that nd4j-cuda takes.
          LrnPlan plan = keep(new Nd4jLrn(cpu0, shape, p, hostLoops));
          String what = "lrn " + shape + " groups " + groups + (hostLoops ? " (loops)" : " (ops)");
          assertClose(
              what + " forward",
              backend.download(plan.forward(upload(shape, x))),
              ReferenceLrn.forward(toDouble(x), shape, p),
              shape,
              Tolerances.FORWARD);
          assertClose(
              what + " backward",
              backend.download(plan.backward(upload(shape, g))),
              ReferenceLrn.backward(toDouble(g), toDouble(x), shape, p),
              shape,
              Tolerances.LOCAL_GRADIENT);
        }
      }
  }

  @Test
  void lrnMatchesReferenceOnAlexNetShapeWithPaperParameters() {
    Shape shape = Shape.nchw(2, 96, 11, 11);
    LrnParameters p = LrnParameters.paper(2);
    SplittableRandom random = new SplittableRandom(2);
    // ReLU outputs of conv1 reach tens; the paper's alpha then moves s visibly away from k.
    float[] x = uniform(random, shape.size(), 0, 60);
    float[] g = uniform(random, shape.size(), -1, 1);
    LrnPlan plan = keep(backend.lrn(cpu0, shape, p));
    assertClose(
        "lrn paper forward",
        backend.download(plan.forward(upload(shape, x))),
        ReferenceLrn.forward(toDouble(x), shape, p),
        shape,
        Tolerances.FORWARD);
    assertClose(
        "lrn paper backward",
        backend.download(plan.backward(upload(shape, g))),
        ReferenceLrn.backward(toDouble(g), toDouble(x), shape, p),
        shape,
        Tolerances.LOCAL_GRADIENT);
  }

  @Test
  void lrnReadsAndWritesThroughNonContiguousViews() {
    Shape shape = Shape.nchw(2, 10, 4, 3);
    LrnParameters p = new LrnParameters(5, 0.5, 0.75, 2.0, 2);
    SplittableRandom random = new SplittableRandom(3);
    float[] x = uniform(random, shape.size(), -2, 2);
    float[] g = uniform(random, shape.size(), -1, 1);
    // Channels 3..12 of a wider array: strided views, as a channel slice hands them over.
    Shape wide = Shape.nchw(2, 16, 4, 3);
    Tensor xWide = upload(wide, uniform(random, wide.size(), -2, 2));
    Tensor gWide = upload(wide, uniform(random, wide.size(), -1, 1));
    INDArray xView = ((Nd4jTensor) xWide).array().get(all(), interval(3, 13), all(), all());
    INDArray gView = ((Nd4jTensor) gWide).array().get(all(), interval(3, 13), all(), all());
    xView.assign(Nd4j.create(x, new long[] {2, 10, 4, 3}, 'c'));
    gView.assign(Nd4j.create(g, new long[] {2, 10, 4, 3}, 'c'));
    LrnPlan plan = keep(backend.lrn(cpu0, shape, p));
    assertClose(
        "lrn forward of a view",
        backend.download(plan.forward(Nd4jTensor.borrowing(xView, shape, cpu0))),
        ReferenceLrn.forward(toDouble(x), shape, p),
        shape,
        Tolerances.FORWARD);
    assertClose(
        "lrn backward of a view",
        backend.download(plan.backward(Nd4jTensor.borrowing(gView, shape, cpu0))),
        ReferenceLrn.backward(toDouble(g), toDouble(x), shape, p),
        shape,
        Tolerances.LOCAL_GRADIENT);
  }

  @Test
  void maxPoolingMatchesReference() {
    for (boolean hostLoops : new boolean[] {true, false})
      for (PoolingGeometry geometry :
          List.of(
              new PoolingGeometry(3, 2, 0),
              new PoolingGeometry(2, 2, 0),
              new PoolingGeometry(3, 2, 1))) {
        Shape shape = Shape.nchw(2, 3, 9, 8);
        // Distinct values: no ties, so the winner of every window is unambiguous.
        float[] x = new float[(int) shape.size()];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (i * 0.01 - 1);
        }
        for (int i = x.length - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          float t = x[i];
          x[i] = x[j];
          x[j] = t;
        }
        // Both paths: Java loops over host memory, and libnd4j's ops that nd4j-cuda takes.
        PoolingPlan plan = keep(new Nd4jMaxPooling(cpu0, shape, geometry, hostLoops));
        Shape out = geometry.outputShape(shape);
        float[] dy = uniform(random, out.size(), -1, 1);
        assertClose(
            "max pooling forward " + geometry + (hostLoops ? " (loops)" : " (ops)"),
            backend.download(plan.forward(upload(shape, x))),
            ReferencePooling.forward(toDouble(x), shape, geometry),
            out,
            Tolerances.EXACT);
        assertClose(
            "max pooling backward " + geometry + (hostLoops ? " (loops)" : " (ops)"),
            backend.download(plan.backward(upload(out, dy))),
            ReferencePooling.backward(toDouble(dy), toDouble(x), shape, geometry),
            shape,
            Tolerances.FORWARD);
      }
  }

  @Test
  void reluMatchesReference() {
    SplittableRandom random = new SplittableRandom(4);
    // The larger shape spans several chunks of the host loop, the last one partial.
    for (Shape shape : List.of(Shape.nchw(2, 3, 4, 5), Shape.nchw(3, 16, 37, 41))) {
      for (boolean hostLoops : new boolean[] {true, false}) {
        float[] x = uniform(random, shape.size(), -1, 1);
        x[0] = 0f;
        x[1] = -0f;
        float[] dy = uniform(random, shape.size(), -1, 1);
        ElementwisePlan plan = keep(new Nd4jRelu(cpu0, shape, hostLoops));
        String what = "relu " + shape + (hostLoops ? " (loops)" : " (ops)");
        assertClose(
            what + " forward",
            backend.download(plan.forward(upload(shape, x))),
            ReferenceRelu.forward(toDouble(x)),
            shape,
            Tolerances.EXACT);
        assertClose(
            what + " backward",
            backend.download(plan.backward(upload(shape, dy))),
            ReferenceRelu.backward(toDouble(dy), toDouble(x)),
            shape,
            Tolerances.EXACT);
      }
    }
  }

  @Test
  void dropoutMaskIsDropoutMaskBitForBit() {
    SplittableRandom random = new SplittableRandom(5);
    int layerId = DropoutMask.layerId("fc6");
    for (DropoutGeometry geometry :
        List.of(
            DropoutGeometry.whole(0.5f, layerId, 64),
            new DropoutGeometry(0.3f, layerId, 96, 32),
            DropoutGeometry.whole(0f, layerId, 64))) {
      Shape shape = geometry.totalChannels() == 96 ? Shape.nchw(3, 48, 5, 7) : Shape.of(5, 64);
      float[] x = uniform(random, shape.size(), -1, 1);
      float[] dy = uniform(random, shape.size(), -1, 1);
      DropoutPlan plan = keep(backend.dropout(cpu0, shape, geometry));
      Tensor xt = upload(shape, x);
      for (long step : new long[] {0, 1, 1L << 40}) {
        long seed = 0x1234_5678_9abcL + step;
        float[] y = backend.download(plan.forward(xt, seed, step));
        boolean[] keepMask = ReferenceDropout.keepMask(shape, geometry, seed, step);
        for (int i = 0; i < y.length; i++) {
          if (keepMask[i] != (y[i] != 0f || x[i] == 0f)) {
            throw new AssertionError(
                "dropout "
                    + geometry
                    + " step "
                    + step
                    + ": element "
                    + i
                    + " keep "
                    + keepMask[i]
                    + " but y = "
                    + y[i]);
          }
        }
        assertClose(
            "dropout forward " + geometry,
            y,
            ReferenceDropout.forward(toDouble(x), shape, geometry, seed, step),
            shape,
            Tolerances.ELEMENTWISE);
        assertClose(
            "dropout backward " + geometry,
            backend.download(plan.backward(upload(shape, dy))),
            ReferenceDropout.backward(toDouble(dy), shape, geometry, seed, step),
            shape,
            Tolerances.ELEMENTWISE);
      }
    }
  }

  @Test
  void dropoutMaskCoversTheWholeIndexRange() {
    // Indices with high bits set exercise the multiplies whose 64-bit products pass 2^63.
    Shape shape = Shape.of(4, 1 << 16);
    DropoutGeometry geometry = new DropoutGeometry(0.5f, 77, 1 << 16, 0);
    try (Nd4jDropout plan = new Nd4jDropout(cpu0, shape, geometry)) {
      float[] ones = new float[(int) shape.size()];
      java.util.Arrays.fill(ones, 1f);
      float[] y = backend.download(plan.forward(upload(shape, ones), -7, 123456789L));
      int key = DropoutMask.streamKey(-7, 77, 123456789L);
      int kept = 0;
      for (int i = 0; i < y.length; i++) {
        boolean expected = DropoutMask.keep(key, i, 0.5f);
        if (expected != (y[i] == 2f)) {
          throw new AssertionError("dropout element " + i + ": keep " + expected + ", y " + y[i]);
        }
        kept += expected ? 1 : 0;
      }
      assertTrue(Math.abs(kept - y.length / 2) < y.length / 50, "about half kept: " + kept);
    }
  }

  @Test
  void denseMatchesReferenceOnFourDimensionalInput() {
    SplittableRandom random = new SplittableRandom(6);
    Shape in = Shape.nchw(3, 4, 2, 2);
    int batch = 3;
    int inF = 16;
    int outF = 5;
    float[] x = uniform(random, in.size(), -1, 1);
    float[] w = uniform(random, (long) outF * inF, -0.3, 0.3);
    float[] b = uniform(random, outF, -0.5, 0.5);
    float[] dy = uniform(random, (long) batch * outF, -1, 1);
    DensePlan plan = keep(backend.dense(cpu0, batch, inF, outF, true));
    Tensor y =
        plan.forward(upload(in, x), upload(Shape.of(outF, inF), w), upload(Shape.of(outF), b));
    assertEquals(Shape.of(batch, outF), y.shape());
    assertClose(
        "dense forward",
        backend.download(y),
        ReferenceDense.forward(toDouble(x), toDouble(w), toDouble(b), batch, inF, outF),
        Tolerances.FORWARD);
    Tensor dw = keep(backend.zeros(cpu0, Shape.of(outF, inF)));
    Tensor db = keep(backend.zeros(cpu0, Shape.of(outF)));
    backend.fill(dw, 9f);
    backend.fill(db, 9f);
    Tensor dx = plan.backward(upload(Shape.of(batch, outF), dy), dw, db);
    assertEquals(in, dx.shape(), "dense input gradient is shaped like the input");
    assertClose(
        "dense dx",
        backend.download(dx),
        ReferenceDense.inputGradient(toDouble(dy), toDouble(w), batch, inF, outF),
        Tolerances.GRADIENT);
    assertClose(
        "dense dW",
        backend.download(dw),
        ReferenceDense.weightGradient(toDouble(dy), toDouble(x), batch, inF, outF),
        Tolerances.GRADIENT);
    assertClose(
        "dense db",
        backend.download(db),
        ReferenceDense.biasGradient(toDouble(dy), batch, outF),
        Tolerances.GRADIENT);
    DensePlan first = keep(backend.dense(cpu0, batch, inF, outF, false));
    first.forward(upload(Shape.of(batch, inF), x), upload(Shape.of(outF, inF), w), null);
    assertNull(first.backward(upload(Shape.of(batch, outF), dy), dw, null));
  }

  @Test
  void softmaxCrossEntropyMatchesReference() {
    SplittableRandom random = new SplittableRandom(7);
    int batch = 4;
    int classes = 10;
    float[] z = uniform(random, batch * classes, -3, 3);
    z[3] = 80f; // a confidently wrong sample: the loss must stay finite and right
    int[] labels = {2, 0, 9, 5};
    SoftmaxCrossEntropyPlan plan = keep(backend.softmaxCrossEntropy(cpu0, batch, classes));
    Shape shape = Shape.of(batch, classes);
    assertClose(
        "softmax",
        backend.download(plan.forward(upload(shape, z))),
        ReferenceSoftmaxCrossEntropy.softmax(toDouble(z), batch, classes),
        shape,
        Tolerances.FORWARD);
    double loss = ReferenceSoftmaxCrossEntropy.loss(toDouble(z), labels, batch, classes);
    assertEquals(loss, plan.loss(labels), 1e-5 * Math.abs(loss) + 1e-6, "loss");
    assertClose(
        "softmax cross-entropy gradient",
        backend.download(plan.backward(labels)),
        ReferenceSoftmaxCrossEntropy.gradient(toDouble(z), labels, batch, classes),
        shape,
        Tolerances.LOCAL_GRADIENT);
    assertThrows(IllegalArgumentException.class, () -> plan.loss(new int[] {0, 1, 2, 10}));
  }

  @Test
  void sgdMatchesReference() {
    SplittableRandom random = new SplittableRandom(8);
    Shape shape = Shape.of(7, 3);
    float[] w = uniform(random, shape.size(), -1, 1);
    float[] g = uniform(random, shape.size(), -1, 1);
    float[] v = uniform(random, shape.size(), -0.1, 0.1);
    SgdHyperparameters h = new SgdHyperparameters(0.01f, 0.9f, 0.0005f);
    Tensor wt = upload(shape, w);
    Tensor gt = upload(shape, g);
    Tensor vt = upload(shape, v);
    SgdPlan plan = keep(backend.sgd(cpu0));
    double[] wd = toDouble(w);
    double[] vd = toDouble(v);
    for (int step = 0; step < 2; step++) {
      plan.update(wt, gt, vt, h);
      ReferenceSgd.update(wd, toDouble(g), vd, 0.01f, 0.9f, 0.0005f);
    }
    assertClose("sgd weight", backend.download(wt), wd, shape, Tolerances.SGD_UPDATE);
    assertClose("sgd velocity", backend.download(vt), vd, shape, Tolerances.SGD_UPDATE);
  }

  @Test
  void channelConcatMatchesReference() {
    SplittableRandom random = new SplittableRandom(9);
    List<Shape> shapes =
        List.of(Shape.nchw(2, 3, 2, 2), Shape.nchw(2, 1, 2, 2), Shape.nchw(2, 4, 2, 2));
    List<Tensor> parts = new ArrayList<>();
    List<double[]> host = new ArrayList<>();
    for (Shape s : shapes) {
      float[] p = uniform(random, s.size(), -1, 1);
      parts.add(upload(s, p));
      host.add(toDouble(p));
    }
    ChannelConcatPlan plan = keep(backend.channelConcat(cpu0, shapes));
    Shape out = ReferenceChannelConcat.concatShape(shapes);
    assertClose(
        "concat",
        backend.download(plan.forward(parts)),
        ReferenceChannelConcat.concat(host, shapes),
        out,
        Tolerances.EXACT);
    float[] dy = uniform(random, out.size(), -1, 1);
    List<Tensor> grads = plan.backward(upload(out, dy));
    List<double[]> expected = ReferenceChannelConcat.split(toDouble(dy), shapes);
    for (int i = 0; i < shapes.size(); i++) {
      assertEquals(shapes.get(i), grads.get(i).shape());
      assertClose("split " + i, backend.download(grads.get(i)), expected.get(i), Tolerances.EXACT);
    }
  }

  @Test
  void topKBreaksTiesTowardsTheLowerIndex() {
    float[] scores = {1, 3, 3, 2, 3, Float.NaN, 0, 5, 5, 5, 5, 5};
    int batch = 2;
    int classes = 6;
    TopKPlan plan = keep(backend.topK(cpu0, batch, classes, 3));
    int[][] got = plan.indices(upload(Shape.of(batch, classes), scores));
    int[][] expected = ReferenceTopK.indices(toDouble(scores), batch, classes, 3);
    assertArrayEquals(new int[] {1, 2, 4}, got[0]);
    assertArrayEquals(expected[1], got[1]);
  }

  @Test
  void tensorOpsAndDevices() {
    Shape shape = Shape.of(2, 3);
    Tensor a = upload(shape, new float[] {1, 2, 3, 4, 5, 6});
    Tensor view = backend.reshape(a, Shape.of(3, 2));
    view.close(); // frees nothing of a
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, backend.download(a));
    Tensor b = keep(backend.copyTo(a, cpu1));
    assertEquals(cpu1, b.device());
    backend.upload(new float[] {6, 5, 4, 3, 2, 1}, a);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, backend.download(b), "copyTo is a copy");
    backend.copy(b, a);
    backend.axpy(2f, a, a);
    assertArrayEquals(new float[] {3, 6, 9, 12, 15, 18}, backend.download(a));
    backend.scale(a, 0.5f);
    backend.add(
        backend.reshape(
            keep(backend.upload(cpu0, Shape.of(6), new float[] {1, 1, 1, 1, 1, 1})), shape),
        a);
    assertArrayEquals(new float[] {2.5f, 4, 5.5f, 7, 8.5f, 10}, backend.download(a));
    assertEquals(2.5 * 2.5 + 16 + 5.5 * 5.5 + 49 + 8.5 * 8.5 + 100, backend.sumOfSquares(a), 1e-4);
    backend.fill(a, Float.NaN);
    assertTrue(Double.isNaN(backend.sumOfSquares(a)));
    assertThrows(IllegalArgumentException.class, () -> backend.add(b, a));
    ElementwisePlan relu = keep(backend.relu(cpu0, shape));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> relu.forward(b));
    assertTrue(
        e.getMessage().contains("cpu:1") && e.getMessage().contains("cpu:0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> backend.zeros(new Device("cuda", 0), shape));
    Tensor owned = backend.zeros(cpu0, shape);
    owned.close();
    owned.close();
    assertThrows(IllegalStateException.class, () -> backend.download(owned));
    ElementwisePlan reluPlan = backend.relu(cpu0, shape);
    assertSame(
        reluPlan.forward(upload(shape, new float[6])),
        reluPlan.forward(upload(shape, new float[6])));
    reluPlan.close();
  }

  /** Plans are held strongly until their owner closes them; the backend's close frees the rest. */
  @Test
  void aPlanLivesUntilItsOwnerClosesItAndTheBackendClosesWhatIsLeft() {
    Nd4jBackend own = Nd4jTestBackends.create();
    Device device = own.devices().get(0);
    Shape shape = Shape.of(2, 3);
    ElementwisePlan closedByOwner = own.relu(device, shape);
    SgdPlan leaked = own.sgd(device);
    assertEquals(List.of(closedByOwner, leaked), own.openPlans().open());
    closedByOwner.close();
    closedByOwner.close();
    assertEquals(List.of(leaked), own.openPlans().open());
    own.close();
    assertTrue(own.openPlans().open().isEmpty());
    IllegalStateException closed =
        assertThrows(
            IllegalStateException.class,
            () -> leaked.update(null, null, null, new SgdHyperparameters(0.01f, 0.9f, 0.0005f)));
    assertTrue(closed.getMessage().contains("plan was closed"), closed.getMessage());
    assertThrows(IllegalStateException.class, () -> own.relu(device, shape));
  }
}
