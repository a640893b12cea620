package dev.alexnet4j.api.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.oracle.FiniteDifferences.ScalarFunction;
import dev.alexnet4j.api.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The reference checked on its own: hand-computed examples for each op, its backward against double
 * central differences of its forward on small shapes, and its single-element evaluations against
 * its full passes. The conformance suite trusts the reference because of this class.
 */
class ReferenceOpsTest {
  private static final double H = Tolerances.DOUBLE_STEP;
  private static final Tolerance FD = Tolerances.REFERENCE_FINITE_DIFFERENCE;

  private static final double EXACT = Tolerances.DOUBLE_ROUNDING;

  private static double[] random(long seed, int n, double lo, double hi) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextDouble(lo, hi);
    }
    return x;
  }

  private static void assertGradient(String what, ScalarFunction f, double[] x, double[] analytic) {
    FiniteDifferences.assertGradient(what, f, x, analytic, FiniteDifferences.all(x.length), H, FD);
  }

  // ---- convolution ------------------------------------------------------------------------

  /** 3x3 input 1..9, 2x2 kernel [[1, 2], [3, 4]], stride 1, no padding, bias 0.5. */
  @Test
  void convolutionByHand() {
    Shape in = Shape.nchw(1, 1, 3, 3);
    ConvolutionGeometry g = ConvolutionGeometry.square(1, 1, 2, 1, 0, 1);
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] w = {1, 2, 3, 4};
    // y[0,0] = 1*1 + 2*2 + 3*4 + 4*5 = 37; each step right adds 1+2+3+4 = 10, down adds 30.
    assertArrayEquals(
        new double[] {37.5, 47.5, 67.5, 77.5},
        ReferenceConvolution.forward(x, in, w, new double[] {0.5}, g),
        EXACT);
    double[] ones = {1, 1, 1, 1};
    // dx: how many windows put each kernel tap on each pixel.
    assertArrayEquals(
        new double[] {1, 3, 2, 4, 10, 6, 3, 7, 4},
        ReferenceConvolution.inputGradient(ones, w, in, g),
        EXACT);
    // dw[i, j]: the sum of the 2x2 block of x starting at (i, j).
    assertArrayEquals(
        new double[] {12, 16, 24, 28}, ReferenceConvolution.weightGradient(ones, x, in, g), EXACT);
    assertArrayEquals(
        new double[] {4}, ReferenceConvolution.biasGradient(ones, Shape.nchw(1, 1, 2, 2)), EXACT);
  }

  /** The same input and kernel with stride 2 and padding 1: windows hang over the border. */
  @Test
  void convolutionWithPaddingAndStrideByHand() {
    Shape in = Shape.nchw(1, 1, 3, 3);
    ConvolutionGeometry g = ConvolutionGeometry.square(1, 1, 2, 2, 1, 1);
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] w = {1, 2, 3, 4};
    // (0,0) sees only x[0,0] under w[1,1]; (0,1) sees x[0,1..2] under w[1,0..1];
    // (1,0) sees x[1..2,0] under w[0..1,1]; (1,1) sees the 2x2 block at (1,1).
    assertArrayEquals(
        new double[] {4, 2 * 3 + 3 * 4, 4 * 2 + 7 * 4, 5 + 12 + 24 + 36},
        ReferenceConvolution.forward(x, in, w, null, g),
        EXACT);
  }

  /** Groups 2 with 1x1 kernels: each output channel sees only its own input channel. */
  @Test
  void groupedConvolutionDoesNotMixGroups() {
    Shape in = Shape.nchw(1, 2, 1, 2);
    ConvolutionGeometry g = ConvolutionGeometry.square(2, 2, 1, 1, 0, 2);
    double[] x = {1, 2, 10, 20};
    assertArrayEquals(
        new double[] {3, 6, 50, 100},
        ReferenceConvolution.forward(x, in, new double[] {3, 5}, null, g),
        EXACT);
  }

  @Test
  void convolutionBackwardMatchesFiniteDifferences() {
    Shape in = Shape.nchw(2, 4, 5, 4);
    for (ConvolutionGeometry g :
        List.of(
            ConvolutionGeometry.square(4, 6, 3, 2, 1, 2),
            new ConvolutionGeometry(4, 2, 2, 3, 1, 2, 0, 1, 1),
            ConvolutionGeometry.square(4, 4, 3, 1, 1, 4))) {
      double[] x = random(1, (int) in.size(), -1, 1);
      double[] w = random(2, (int) g.weightShape().size(), -1, 1);
      double[] b = random(3, g.outChannels(), -1, 1);
      double[] r = random(4, (int) g.outputShape(in).size(), -1, 1);
      String what = "reference convolution " + g;
      assertGradient(
          what + " input gradient",
          FiniteDifferences.projected(v -> ReferenceConvolution.forward(v, in, w, b, g), r),
          x,
          ReferenceConvolution.inputGradient(r, w, in, g));
      assertGradient(
          what + " weight gradient",
          FiniteDifferences.projected(v -> ReferenceConvolution.forward(x, in, v, b, g), r),
          w,
          ReferenceConvolution.weightGradient(r, x, in, g));
      assertGradient(
          what + " bias gradient",
          FiniteDifferences.projected(v -> ReferenceConvolution.forward(x, in, w, v, g), r),
          b,
          ReferenceConvolution.biasGradient(r, g.outputShape(in)));
    }
  }

  /** The gathered single element equals the scattered full input gradient everywhere. */
  @Test
  void convolutionInputGradientAtMatchesTheScatteredPass() {
    Shape in = Shape.nchw(2, 4, 9, 7);
    ConvolutionGeometry g = new ConvolutionGeometry(4, 6, 3, 2, 2, 3, 1, 1, 2);
    double[] w = random(5, (int) g.weightShape().size(), -1, 1);
    double[] dy = random(6, (int) g.outputShape(in).size(), -1, 1);
    double[] full = ReferenceConvolution.inputGradient(dy, w, in, g);
    double[] gathered = new double[full.length];
    int i = 0;
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 4; c++) {
        for (int h = 0; h < 9; h++) {
          for (int v = 0; v < 7; v++) {
            gathered[i++] = ReferenceConvolution.inputGradientAt(dy, w, in, g, n, c, h, v);
          }
        }
      }
    }
    assertArrayEquals(full, gathered, EXACT);
  }

  // ---- pooling ----------------------------------------------------------------------------

  @Test
  void maxPoolingByHand() {
    Shape in = Shape.nchw(1, 1, 4, 4);
    double[] x = {
      1, 5, 2, 0,
      3, 4, 8, 7,
      5, 5, 1, 2,
      1, 5, 3, 9
    };
    PoolingGeometry g = new PoolingGeometry(2, 2, 0);
    assertArrayEquals(new double[] {5, 8, 5, 9}, ReferencePooling.forward(x, in, g), EXACT);
    // The bottom-left window holds three 5s: the first in scan order, (2, 0), takes its gradient.
    assertArrayEquals(
        new double[] {
          0, 1, 0, 0,
          0, 0, 2, 0,
          3, 0, 0, 0,
          0, 0, 0, 4
        },
        ReferencePooling.backward(new double[] {1, 2, 3, 4}, x, in, g),
        EXACT);
  }

  /** With padding, a window of negative values takes its real maximum, never a padded zero. */
  @Test
  void paddedPositionsNeverWin() {
    Shape in = Shape.nchw(1, 1, 3, 3);
    double[] x = {-9, -8, -7, -6, -5, -4, -3, -2, -1};
    PoolingGeometry g = new PoolingGeometry(3, 2, 1);
    assertArrayEquals(new double[] {-5, -4, -2, -1}, ReferencePooling.forward(x, in, g), EXACT);
  }

  @Test
  void maxPoolingBackwardMatchesFiniteDifferences() {
    Shape in = Shape.nchw(2, 3, 7, 6);
    // A shuffled grid: no ties, and no step of H changes a window's winner.
    double[] x = new double[(int) in.size()];
    int[] order = FiniteDifferences.all((int) in.size());
    SplittableRandom random = new SplittableRandom(8);
    for (int i = x.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = order[i] * 0.01;
    }
    for (PoolingGeometry g :
        List.of(
            new PoolingGeometry(3, 2, 0),
            new PoolingGeometry(3, 2, 1),
            new PoolingGeometry(2, 3, 1))) {
      double[] r = random(9, (int) g.outputShape(in).size(), -1, 1);
      assertGradient(
          "reference max pooling " + g,
          FiniteDifferences.projected(v -> ReferencePooling.forward(v, in, g), r),
          x,
          ReferencePooling.backward(r, x, in, g));
    }
  }

  // ---- LRN --------------------------------------------------------------------------------

  /**
   * One position, channels a = (1, 2, 3), n = 3, alpha = 0.1, beta = 0.75, k = 1: the windows are
   * {0, 1}, {0, 1, 2}, {1, 2}, so s = 1 + 0.1 (1 + 4), 1 + 0.1 (1 + 4 + 9), 1 + 0.1 (4 + 9) = 1.5,
   * 2.4, 2.3 and b = a s^-0.75.
   */
  @Test
  void lrnByHand() {
    Shape shape = Shape.nchw(1, 3, 1, 1);
    LrnParameters p = new LrnParameters(3, 0.1, 0.75, 1, 1);
    double[] y = ReferenceLrn.forward(new double[] {1, 2, 3}, shape, p);
    assertArrayEquals(
        new double[] {1 * Math.pow(1.5, -0.75), 2 * Math.pow(2.4, -0.75), 3 * Math.pow(2.3, -0.75)},
        y,
        EXACT);
    assertEquals(0.7377879464668811, y[0], EXACT, "1.5^-0.75");
  }

  /** The paper's alpha is not divided by n: s = 2 + 1e-4 * (sum of five squares). */
  @Test
  void lrnUsesThePapersAlpha() {
    Shape shape = Shape.nchw(1, 5, 1, 1);
    double[] x = {10, 10, 10, 10, 10};
    double y = ReferenceLrn.forward(x, shape, LrnParameters.paper(1))[2];
    assertEquals(10 * Math.pow(2 + 1e-4 * 500, -0.75), y, EXACT);
  }

  /** With groups 2 over 4 channels, channel 1's window is {0, 1}, not {0, 1, 2, 3}. */
  @Test
  void lrnWindowsStopAtGroupBoundaries() {
    Shape shape = Shape.nchw(1, 4, 1, 1);
    LrnParameters p = new LrnParameters(5, 0.1, 1, 1, 2);
    double[] y = ReferenceLrn.forward(new double[] {1, 2, 3, 4}, shape, p);
    assertEquals(2 / (1 + 0.1 * (1 + 4)), y[1], EXACT);
    assertEquals(3 / (1 + 0.1 * (9 + 16)), y[2], EXACT);
  }

  @Test
  void lrnBackwardMatchesFiniteDifferences() {
    Shape shape = Shape.nchw(2, 7, 3, 2);
    for (LrnParameters p :
        List.of(
            LrnParameters.paper(1),
            new LrnParameters(5, 0.1, 0.75, 1, 1),
            new LrnParameters(3, 0.5, 1.5, 0.5, 1),
            new LrnParameters(5, 0.1, 0.75, 1, 7))) {
      double[] x = random(10, (int) shape.size(), -3, 3);
      double[] r = random(11, (int) shape.size(), -1, 1);
      assertGradient(
          "reference LRN " + p,
          FiniteDifferences.projected(v -> ReferenceLrn.forward(v, shape, p), r),
          x,
          ReferenceLrn.backward(r, x, shape, p));
    }
  }

  /** The chain-rule backward equals the closed form the SPI documents for LrnPlan. */
  @Test
  void lrnBackwardEqualsTheClosedForm() {
    Shape shape = Shape.nchw(1, 8, 2, 2);
    LrnParameters p = new LrnParameters(5, 0.2, 0.75, 1.5, 2);
    double[] x = random(12, (int) shape.size(), -2, 2);
    double[] g = random(13, (int) shape.size(), -1, 1);
    double[] y = ReferenceLrn.forward(x, shape, p);
    double[] s = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = ReferenceLrn.scaleAt(x, shape, p, 0, i / 4, i % 4);
    }
    double[] closed = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int c = i / 4;
      double window = 0;
      for (int j = ReferenceLrn.windowLow(c, 8, p); j <= ReferenceLrn.windowHigh(c, 8, p); j++) {
        int k = j * 4 + i % 4;
        window += g[k] * y[k] / s[k];
      }
      closed[i] = g[i] * Math.pow(s[i], -p.beta()) - 2 * p.alpha() * p.beta() * x[i] * window;
    }
    assertArrayEquals(closed, ReferenceLrn.backward(g, x, shape, p), EXACT);
  }

  // ---- ReLU, dropout, dense ---------------------------------------------------------------

  @Test
  void reluByHandAndAgainstFiniteDifferences() {
    double[] x = {-2, -0.0, 0, 0.5, 3};
    assertArrayEquals(new double[] {0, 0, 0, 0.5, 3}, ReferenceRelu.forward(x), 0);
    assertArrayEquals(
        new double[] {0, 0, 0, 1, 1}, ReferenceRelu.backward(new double[] {1, 1, 1, 1, 1}, x), 0);
    double[] away = {-2, -0.3, 0.2, 0.5, 3};
    double[] r = {0.1, -0.2, 0.3, -0.4, 0.5};
    assertGradient(
        "reference ReLU",
        FiniteDifferences.projected(ReferenceRelu::forward, r),
        away,
        ReferenceRelu.backward(r, away));
  }

  @Test
  void dropoutMaskIsDeterministic() {
    int key = DropoutMask.streamKey(42, DropoutMask.layerId("fc6"), 7);
    assertEquals(key, DropoutMask.streamKey(42, DropoutMask.layerId("fc6"), 7));
    assertNotEquals(key, DropoutMask.streamKey(42, DropoutMask.layerId("fc6"), 8));
    assertNotEquals(key, DropoutMask.streamKey(43, DropoutMask.layerId("fc6"), 7));
    assertNotEquals(key, DropoutMask.streamKey(42, DropoutMask.layerId("fc7"), 7));
    for (int i = 0; i < 1000; i++) {
      assertEquals(DropoutMask.draw(key, i), DropoutMask.draw(key, i));
      assertTrue(DropoutMask.draw(key, i) >= 0 && DropoutMask.draw(key, i) < 1 << 24);
    }
    Shape shape = Shape.of(3, 10);
    DropoutGeometry g = DropoutGeometry.whole(0.5f, 1, 10);
    assertArrayEquals(
        ReferenceDropout.keepMask(shape, g, 42, 7), ReferenceDropout.keepMask(shape, g, 42, 7));
  }

  /** FNV-1a's published test vectors: the layer id must not change between releases. */
  @Test
  void layerIdIsFnv1a() {
    assertEquals(0x811c9dc5, DropoutMask.layerId(""));
    assertEquals(0xe40c292c, DropoutMask.layerId("a"));
    assertEquals(0xbf9cf968, DropoutMask.layerId("foobar"));
  }

  @Test
  void dropoutKeepsOneMinusRate() {
    int key = DropoutMask.streamKey(1, DropoutMask.layerId("fc7"), 0);
    int n = 1 << 20;
    for (float rate : new float[] {0.5f, 0.1f, 0.75f}) {
      int kept = 0;
      for (int i = 0; i < n; i++) {
        kept += DropoutMask.keep(key, i, rate) ? 1 : 0;
      }
      double sigma = Math.sqrt(rate * (1 - rate) / n);
      assertEquals(1 - rate, kept / (double) n, Tolerances.DROPOUT_SIGMAS * sigma, "rate " + rate);
    }
    for (int i = 0; i < 1000; i++) {
      assertTrue(DropoutMask.keep(key, i, 0f), "rate 0 keeps everything");
    }
  }

  /** Halves at channel offsets 0 and C/2 see the whole tensor's global indices. */
  @Test
  void dropoutGlobalIndicesOfHalvesMatchTheWhole() {
    Shape whole = Shape.nchw(2, 6, 2, 3);
    Shape half = Shape.nchw(2, 3, 2, 3);
    DropoutGeometry all = DropoutGeometry.whole(0.5f, 3, 6);
    int[] expected = new int[(int) whole.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = ReferenceDropout.globalIndex(whole, all, i);
    }
    assertArrayEquals(FiniteDifferences.all(expected.length), expected, "whole tensor: identity");
    DropoutGeometry second = new DropoutGeometry(0.5f, 3, 6, 3);
    // Element (n=1, c=2, rest=4) of the second half is channel 5 of sample 1.
    int local = (1 * 3 + 2) * 6 + 4;
    assertEquals((1 * 6 + 5) * 6 + 4, ReferenceDropout.globalIndex(half, second, local));
  }

  @Test
  void dropoutBackwardMatchesFiniteDifferences() {
    Shape shape = Shape.nchw(2, 4, 2, 2);
    DropoutGeometry g = new DropoutGeometry(0.3f, 5, 9, 2);
    double[] x = random(14, (int) shape.size(), -1, 1);
    double[] r = random(15, (int) shape.size(), -1, 1);
    assertGradient(
        "reference dropout",
        FiniteDifferences.projected(v -> ReferenceDropout.forward(v, shape, g, 3, 4), r),
        x,
        ReferenceDropout.backward(r, shape, g, 3, 4));
    double[] y = ReferenceDropout.forward(x, shape, g, 3, 4);
    for (int i = 0; i < x.length; i++) {
      double scaled = x[i] / (1 - (double) 0.3f);
      assertTrue(
          y[i] == 0 || Math.abs(y[i] - scaled) < EXACT, "kept units scale by 1 / (1 - rate)");
    }
  }

  @Test
  void denseByHand() {
    // x = [[1, 2]], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, 0, -1].
    double[] x = {1, 2};
    double[] w = {1, 0, 0, 1, 1, 1};
    assertArrayEquals(
        new double[] {1.5, 2, 2},
        ReferenceDense.forward(x, w, new double[] {0.5, 0, -1}, 1, 2, 3),
        EXACT);
    double[] dy = {1, 10, 100};
    assertArrayEquals(new double[] {101, 110}, ReferenceDense.inputGradient(dy, w, 1, 2, 3), EXACT);
    assertArrayEquals(
        new double[] {1, 2, 10, 20, 100, 200},
        ReferenceDense.weightGradient(dy, x, 1, 2, 3),
        EXACT);
    assertArrayEquals(dy, ReferenceDense.biasGradient(dy, 1, 3), EXACT);
  }

  @Test
  void denseBackwardMatchesFiniteDifferences() {
    int n = 3;
    int in = 5;
    int out = 4;
    double[] x = random(16, n * in, -1, 1);
    double[] w = random(17, out * in, -1, 1);
    double[] b = random(18, out, -1, 1);
    double[] r = random(19, n * out, -1, 1);
    assertGradient(
        "reference dense input gradient",
        FiniteDifferences.projected(v -> ReferenceDense.forward(v, w, b, n, in, out), r),
        x,
        ReferenceDense.inputGradient(r, w, n, in, out));
    assertGradient(
        "reference dense weight gradient",
        FiniteDifferences.projected(v -> ReferenceDense.forward(x, v, b, n, in, out), r),
        w,
        ReferenceDense.weightGradient(r, x, n, in, out));
    assertGradient(
        "reference dense bias gradient",
        FiniteDifferences.projected(v -> ReferenceDense.forward(x, w, v, n, in, out), r),
        b,
        ReferenceDense.biasGradient(r, n, out));
  }

  // ---- softmax cross-entropy, SGD, concatenation, top-k -----------------------------------

  /**
   * Row 0: logits (0, ln 2, ln 3) give p = (1, 2, 3) / 6; label 2 costs -ln(1/2) = ln 2. Row 1:
   * equal logits give p = 1/3 each; label 0 costs ln 3. The loss is their mean.
   */
  @Test
  void softmaxCrossEntropyByHand() {
    double[] z = {0, Math.log(2), Math.log(3), 1, 1, 1};
    int[] labels = {2, 0};
    assertArrayEquals(
        new double[] {1 / 6.0, 2 / 6.0, 3 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 3.0},
        ReferenceSoftmaxCrossEntropy.softmax(z, 2, 3),
        EXACT);
    assertEquals(
        (Math.log(2) + Math.log(3)) / 2, ReferenceSoftmaxCrossEntropy.loss(z, labels, 2, 3), EXACT);
    assertArrayEquals(
        new double[] {1 / 12.0, 2 / 12.0, -3 / 12.0, -1 / 3.0, 1 / 6.0, 1 / 6.0},
        ReferenceSoftmaxCrossEntropy.gradient(z, labels, 2, 3),
        EXACT);
  }

  @Test
  void softmaxCrossEntropyIsStableAndMatchesFiniteDifferences() {
    double[] shifted = {1000, 1001, 1002};
    double[] p = ReferenceSoftmaxCrossEntropy.softmax(shifted, 1, 3);
    assertArrayEquals(ReferenceSoftmaxCrossEntropy.softmax(new double[] {0, 1, 2}, 1, 3), p, EXACT);
    int[] labels = {3, 0, 6};
    double[] z = random(20, 3 * 7, -3, 3);
    assertGradient(
        "reference softmax cross-entropy",
        v -> ReferenceSoftmaxCrossEntropy.loss(v, labels, 3, 7),
        z,
        ReferenceSoftmaxCrossEntropy.gradient(z, labels, 3, 7));
  }

  /** w = 1, g = 0.5, v = 0.2, lr 0.1, m 0.9, wd 0.01: v = 0.18 - 0.001 - 0.05 = 0.129. */
  @Test
  void sgdByHand() {
    double[] w = {1};
    double[] v = {0.2};
    ReferenceSgd.update(w, new double[] {0.5}, v, 0.1, 0.9, 0.01);
    assertEquals(0.129, v[0], EXACT);
    assertEquals(1.129, w[0], EXACT);
    ReferenceSgd.update(w, new double[] {0}, v, 0.1, 0.9, 0.01);
    assertEquals(0.9 * 0.129 - 0.01 * 0.1 * 1.129, v[0], EXACT);
    assertEquals(1.129 + 0.9 * 0.129 - 0.01 * 0.1 * 1.129, w[0], EXACT);
  }

  @Test
  void channelConcatByHandAndSplitIsItsGradient() {
    List<Shape> ranks2 = List.of(Shape.of(2, 1), Shape.of(2, 2));
    assertArrayEquals(
        new double[] {1, 10, 20, 2, 30, 40},
        ReferenceChannelConcat.concat(
            List.of(new double[] {1, 2}, new double[] {10, 20, 30, 40}), ranks2),
        0);
    List<Shape> nchw = List.of(Shape.nchw(2, 1, 1, 2), Shape.nchw(2, 2, 1, 2));
    double[] a = {1, 2, 3, 4};
    double[] b = {10, 11, 12, 13, 20, 21, 22, 23};
    double[] y = ReferenceChannelConcat.concat(List.of(a, b), nchw);
    assertArrayEquals(new double[] {1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23}, y, 0);
    List<double[]> split = ReferenceChannelConcat.split(y, nchw);
    assertArrayEquals(a, split.get(0), 0);
    assertArrayEquals(b, split.get(1), 0);
    double[] r = random(21, y.length, -1, 1);
    List<double[]> grads = ReferenceChannelConcat.split(r, nchw);
    assertGradient(
        "reference concatenation, second part",
        FiniteDifferences.projected(v -> ReferenceChannelConcat.concat(List.of(a, v), nchw), r),
        b.clone(),
        grads.get(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReferenceChannelConcat.concatShape(List.of(Shape.of(2, 3), Shape.of(3, 3))));
  }

  @Test
  void topKByHandWithTies() {
    double[] scores = {0.1, 0.7, 0.7, 0.2, 0.9, 5, 5, 5, 5, 5};
    int[][] top = ReferenceTopK.indices(scores, 2, 5, 3);
    assertArrayEquals(new int[] {4, 1, 2}, top[0]);
    assertArrayEquals(new int[] {0, 1, 2}, top[1]);
  }

  // ---- the helpers ------------------------------------------------------------------------

  @Test
  void finiteDifferencesOfACubic() {
    double[] x = {-1.5, 0.3, 2};
    // Central differences of a cubic err by exactly h^2 f''' / 6 = h^2: within FD's bound.
    OracleAssertions.assertClose(
        "central differences of sum x^3",
        FiniteDifferences.gradient(
            v -> v[0] * v[0] * v[0] + v[1] * v[1] * v[1] + v[2] * v[2] * v[2], x, H),
        new double[] {3 * 2.25, 3 * 0.09, 12},
        null,
        FD);
    assertArrayEquals(new double[] {-1.5, 0.3, 2}, x, 0, "x is restored");
    assertThrows(
        AssertionFailedError.class,
        () ->
            FiniteDifferences.assertGradient(
                "wrong gradient",
                v -> v[0] * v[0],
                new double[] {1},
                new double[] {3},
                new int[] {0},
                H,
                FD));
  }

  @Test
  void samplesAreDistinctSortedAndReproducible() {
    int[] s = FiniteDifferences.sample(1000, 50, 99);
    assertEquals(50, s.length);
    assertArrayEquals(s, FiniteDifferences.sample(1000, 50, 99));
    for (int i = 1; i < s.length; i++) {
      assertTrue(s[i] > s[i - 1] && s[i] < 1000 && s[0] >= 0);
    }
    assertArrayEquals(FiniteDifferences.all(5), FiniteDifferences.sample(5, 9, 1));
  }

  /**
   * A failure names the op, the flat and multi-dimensional index, both values and the max error.
   */
  @Test
  void assertCloseNamesOpIndexValuesAndMaxError() {
    Shape shape = Shape.nchw(1, 2, 2, 2);
    double[] expected = new double[8];
    float[] actual = new float[8];
    actual[6] = 0.5f;
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () ->
                OracleAssertions.assertClose(
                    "my op [case 7]", actual, expected, shape, Tolerances.FORWARD));
    for (String part :
        List.of(
            "my op [case 7]",
            "index 6 [0, 1, 1, 0]",
            "actual 0.5",
            "expected 0.0",
            "max error 0.5")) {
      assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
    }
    actual[6] = Float.NaN;
    assertThrows(
        AssertionFailedError.class,
        () -> OracleAssertions.assertClose("NaN", actual, expected, Tolerances.GRADIENT));
    float[] close = new float[8];
    close[3] = 1e-6f;
    OracleAssertions.assertClose("within tolerance", close, expected, shape, Tolerances.FORWARD);
    assertThrows(
        AssertionFailedError.class,
        () -> OracleAssertions.assertClose("length", new float[3], expected, Tolerances.FORWARD));
  }
}
