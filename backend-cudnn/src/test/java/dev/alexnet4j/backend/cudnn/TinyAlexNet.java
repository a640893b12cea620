package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * AlexNet in miniature, written straight against the backend SPI: conv (stride 2) - relu - LRN -
 * overlapping max pool - grouped conv (2 towers) - relu - grouped LRN - max pool - dropout - dense
 * - softmax cross-entropy. One forward and backward on fixed weights and input; the results
 * (logits, loss, every gradient) come back to the host by name, to compare two backends.
 */
final class TinyAlexNet {
  static final Shape INPUT = Shape.nchw(2, 3, 27, 27);
  static final ConvolutionGeometry CONV1 = ConvolutionGeometry.square(3, 8, 5, 2, 0, 1);
  static final ConvolutionGeometry CONV2 = ConvolutionGeometry.square(8, 12, 3, 1, 1, 2);
  static final PoolingGeometry POOL = new PoolingGeometry(3, 2, 0);
  static final int CLASSES = 10;
  static final int[] LABELS = {3, 7};

  private TinyAlexNet() {}

  /** Runs one step on {@code backend}'s first device and returns what a comparison needs. */
  static Map<String, float[]> step(Backend backend) {
    Device d = backend.devices().get(0);
    List<AutoCloseable> open = new ArrayList<>();
    Map<String, float[]> out = new LinkedHashMap<>();
    try {
      SplittableRandom random = new SplittableRandom(2012);
      Tensor x = keep(open, backend.upload(d, INPUT, values(random, INPUT.size(), 1.0)));
      Tensor w1 =
          keep(
              open,
              backend.upload(
                  d, CONV1.weightShape(), values(random, CONV1.weightShape().size(), 0.2)));
      Tensor b1 = keep(open, backend.upload(d, Shape.of(8), values(random, 8, 0.1)));
      Tensor w2 =
          keep(
              open,
              backend.upload(
                  d, CONV2.weightShape(), values(random, CONV2.weightShape().size(), 0.2)));
      Tensor b2 = keep(open, backend.upload(d, Shape.of(12), values(random, 12, 0.1)));
      Tensor w3 =
          keep(open, backend.upload(d, Shape.of(CLASSES, 48), values(random, CLASSES * 48, 0.2)));
      Tensor b3 = keep(open, backend.upload(d, Shape.of(CLASSES), values(random, CLASSES, 0.1)));

      ConvolutionPlan conv1 = keep(open, backend.convolution(d, INPUT, CONV1, false));
      ElementwisePlan relu1 = keep(open, backend.relu(d, conv1.outputShape()));
      LrnPlan lrn1 = keep(open, backend.lrn(d, conv1.outputShape(), LrnParameters.paper(1)));
      PoolingPlan pool1 = keep(open, backend.maxPooling(d, conv1.outputShape(), POOL));
      ConvolutionPlan conv2 = keep(open, backend.convolution(d, pool1.outputShape(), CONV2, true));
      ElementwisePlan relu2 = keep(open, backend.relu(d, conv2.outputShape()));
      LrnPlan lrn2 = keep(open, backend.lrn(d, conv2.outputShape(), LrnParameters.paper(2)));
      PoolingPlan pool2 = keep(open, backend.maxPooling(d, conv2.outputShape(), POOL));
      Shape pooled = pool2.outputShape();
      DropoutPlan drop =
          keep(
              open,
              backend.dropout(
                  d, pooled, DropoutGeometry.whole(0.5f, DropoutMask.layerId("drop"), 12)));
      DensePlan fc = keep(open, backend.dense(d, 2, 48, CLASSES, true));
      SoftmaxCrossEntropyPlan loss = keep(open, backend.softmaxCrossEntropy(d, 2, CLASSES));

      Tensor h =
          pool2.forward(
              lrn2.forward(
                  relu2.forward(
                      conv2.forward(
                          pool1.forward(lrn1.forward(relu1.forward(conv1.forward(x, w1, b1)))),
                          w2,
                          b2))));
      Tensor dropped = drop.forward(h, 42L, 3L);
      Tensor logits = fc.forward(backend.reshape(dropped, Shape.of(2, 48)), w3, b3);
      out.put("logits", backend.download(logits));
      out.put("probabilities", backend.download(loss.forward(logits)));
      out.put("loss", new float[] {loss.loss(LABELS)});

      Tensor dw3 = keep(open, backend.zeros(d, Shape.of(CLASSES, 48)));
      Tensor db3 = keep(open, backend.zeros(d, Shape.of(CLASSES)));
      Tensor dw2 = keep(open, backend.zeros(d, CONV2.weightShape()));
      Tensor db2 = keep(open, backend.zeros(d, Shape.of(12)));
      Tensor dw1 = keep(open, backend.zeros(d, CONV1.weightShape()));
      Tensor db1 = keep(open, backend.zeros(d, Shape.of(8)));
      Tensor g = fc.backward(loss.backward(LABELS), dw3, db3);
      g = drop.backward(backend.reshape(g, pooled));
      g = relu2.backward(lrn2.backward(pool2.backward(g)));
      g = conv2.backward(g, dw2, db2);
      out.put("conv2 input gradient", backend.download(g));
      conv1.backward(relu1.backward(lrn1.backward(pool1.backward(g))), dw1, db1);
      out.put("fc weight gradient", backend.download(dw3));
      out.put("fc bias gradient", backend.download(db3));
      out.put("conv2 weight gradient", backend.download(dw2));
      out.put("conv2 bias gradient", backend.download(db2));
      out.put("conv1 weight gradient", backend.download(dw1));
      out.put("conv1 bias gradient", backend.download(db1));
      return out;
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + open.get(i), e);
        }
      }
    }
  }

  private static <T extends AutoCloseable> T keep(List<AutoCloseable> open, T resource) {
    open.add(resource);
    return resource;
  }

  private static float[] values(SplittableRandom random, long n, double scale) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(-scale, scale);
    }
    return v;
  }
}
