package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling with libnd4j's {@code maxpool2d} / {@code maxpool2d_bp} on NCHW data, with oneDNN
 * turned off for these two ops: libnd4j's own loops were measured 4 to 6 times faster forward and 2
 * to 3 times faster backward at AlexNet's pooling shapes (batch 32, 2 threads; oneDNN's NCHW
 * pooling pays for reorders), and give the same results.
 *
 * <p>Those ops are now only the path for arrays outside host memory (nd4j-cuda). On the CPU both
 * passes are Java loops over the arrays' memory ({@link Nd4jHostLoops}), a few planes per task:
 * forward keeps each window's argmax (its first maximum in row-major order, as libnd4j and the
 * reference break ties), so backward is a scatter of the output gradient instead of libnd4j's
 * second search of every window. At batch 32 on 2 threads pool1 + pool2 + pool5 took 34 ms forward
 * and 103-110 ms backward in libnd4j, and take 60 and 15-18 ms here (alternating runs, load average
 * 2): the forward is slower than libnd4j's, the pair much faster.
 */
final class Nd4jMaxPooling implements PoolingPlan, Nd4jPlan {
  private final Device device;
  private final Shape inputShape;
  private final Shape outputShape;
  private final String where;
  private final Nd4jOpCall forwardCall;
  private final Nd4jOpCall backwardCall;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray inputGrad;
  private final Nd4jTensor inputGradTensor;
  // The host-memory path.
  private final boolean host;
  private final int kernel;
  private final int stride;
  private final int pad;

  /**
   * Per output element of the last forward, the flat index of its window's maximum in its plane.
   */
  private final int[] argmax;

  private final ThreadLocal<float[][]> planes;
  private INDArray inputCopy;

  private INDArray lastInput;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jMaxPooling(Device device, Shape input, PoolingGeometry geometry) {
    this(device, input, geometry, Nd4jHostLoops.available());
  }

  /** With {@code hostLoops = false} libnd4j's ops, also on the CPU (tests compare the two). */
  Nd4jMaxPooling(Device device, Shape input, PoolingGeometry geometry, boolean hostLoops) {
    this.device = device;
    this.inputShape = input;
    this.outputShape = geometry.outputShape(input);
    this.where =
        "nd4j max pooling "
            + input
            + " -> "
            + outputShape
            + " (kernel "
            + geometry.kernel()
            + ", stride "
            + geometry.stride()
            + ", pad "
            + geometry.pad()
            + ") on "
            + device;
    int k = geometry.kernel();
    int s = geometry.stride();
    int p = geometry.pad();
    // kH, kW, sH, sW, pH, pW, dH, dW, same mode (0: explicit padding), unused, 0 = NCHW
    long[] iArgs = {k, k, s, s, p, p, 1, 1, 0, 0, 0};
    this.forwardCall = new Nd4jOpCall("maxpool2d", where, iArgs, new double[0], false);
    this.backwardCall = new Nd4jOpCall("maxpool2d_bp", where, iArgs, new double[0], false);
    this.output = Nd4jOps.create(outputShape);
    this.outputTensor = Nd4jTensor.borrowing(output, outputShape, device);
    this.inputGrad = Nd4jOps.create(input);
    this.inputGradTensor = Nd4jTensor.borrowing(inputGrad, input, device);
    this.host = hostLoops && Nd4jHostLoops.available() && outputShape.size() <= Integer.MAX_VALUE;
    this.kernel = k;
    this.stride = s;
    this.pad = p;
    this.argmax = host ? new int[Math.toIntExact(outputShape.size())] : null;
    int inPlane = input.height() * input.width();
    int outPlane = outputShape.height() * outputShape.width();
    this.planes =
        ThreadLocal.withInitial(() -> new float[][] {new float[inPlane], new float[outPlane]});
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  @Override
  public Tensor forward(Tensor input) {
    checkOpen();
    INDArray x = Nd4jOps.array(input, device, inputShape, where + " forward", "input");
    if (host) {
      FloatBuffer xs = Nd4jHostLoops.floats(x);
      if (xs == null) {
        if (inputCopy == null) {
          inputCopy = Nd4jOps.create(inputShape);
        }
        xs = Nd4jHostLoops.floats(inputCopy.assign(x));
      }
      hostForward(xs);
      lastInput = x;
      return outputTensor;
    }
    forwardCall.exec(new INDArray[] {x}, new INDArray[] {output});
    lastInput = x;
    return outputTensor;
  }

  @Override
  public Tensor backward(Tensor outputGradient) {
    checkOpen();
    if (lastInput == null) {
      throw new IllegalStateException(where + ": backward called before any forward");
    }
    INDArray dy =
        Nd4jOps.array(outputGradient, device, outputShape, where + " backward", "output gradient");
    if (host) {
      FloatBuffer dys = Nd4jHostLoops.floats(dy);
      hostBackward(dys == null ? Nd4jHostLoops.floats(dy.dup('c')) : dys);
      return inputGradTensor;
    }
    backwardCall.exec(new INDArray[] {lastInput, dy}, new INDArray[] {inputGrad});
    return inputGradTensor;
  }

  /** Planes per task: enough work to amortise a task, enough tasks to balance two threads. */
  private int planesPerTask(int planeCount) {
    return Math.max(1, Math.min(16, planeCount / 64));
  }

  private void hostForward(FloatBuffer x) {
    FloatBuffer y = Nd4jHostLoops.floats(output);
    int height = inputShape.height();
    int width = inputShape.width();
    int outHeight = outputShape.height();
    int outWidth = outputShape.width();
    int inPlane = height * width;
    int outPlane = outHeight * outWidth;
    int planeCount = inputShape.batch() * inputShape.channels();
    int per = planesPerTask(planeCount);
    Nd4jHostLoops.parallelTasks(
        (planeCount + per - 1) / per,
        task -> {
          float[][] buffers = planes.get();
          float[] in = buffers[0];
          float[] out = buffers[1];
          for (int plane = task * per; plane < Math.min(planeCount, (task + 1) * per); plane++) {
            x.get(plane * inPlane, in, 0, inPlane);
            int at = plane * outPlane;
            if (kernel == 3 && pad == 0) {
              poolThreeByThree(in, out, argmax, at, width, outHeight, outWidth, stride);
            } else {
              pool(in, out, argmax, at, height, width, outHeight, outWidth, kernel, stride, pad);
            }
            y.put(at, out, 0, outPlane);
          }
        });
  }

  /** Any window: the first maximum in row-major order wins (strictly greater replaces). */
  private static void pool(
      float[] in,
      float[] out,
      int[] argmax,
      int at,
      int height,
      int width,
      int outHeight,
      int outWidth,
      int kernel,
      int stride,
      int pad) {
    for (int i = 0; i < outHeight; i++) {
      int h0 = i * stride - pad;
      int hFrom = Math.max(0, h0);
      int hTo = Math.min(height, h0 + kernel);
      for (int j = 0; j < outWidth; j++) {
        int w0 = j * stride - pad;
        int wFrom = Math.max(0, w0);
        int wTo = Math.min(width, w0 + kernel);
        int best = hFrom * width + wFrom;
        float max = in[best];
        for (int h = hFrom; h < hTo; h++) {
          for (int w = wFrom; w < wTo; w++) {
            float v = in[h * width + w];
            if (v > max) {
              max = v;
              best = h * width + w;
            }
          }
        }
        out[i * outWidth + j] = max;
        argmax[at + i * outWidth + j] = best;
      }
    }
  }

  /**
   * AlexNet's 3x3 windows without padding, branch-free: the maximum from a tree of max, then the
   * first position holding it, chosen back to front. The branches of {@link #pool} mispredict on
   * every new maximum; this ran about twice as fast on pool1's shape.
   */
  private static void poolThreeByThree(
      float[] in,
      float[] out,
      int[] argmax,
      int at,
      int width,
      int outHeight,
      int outWidth,
      int stride) {
    for (int i = 0; i < outHeight; i++) {
      int r0 = i * stride * width;
      int r1 = r0 + width;
      int r2 = r1 + width;
      for (int j = 0; j < outWidth; j++) {
        int c = j * stride;
        float a0 = in[r0 + c];
        float a1 = in[r0 + c + 1];
        float a2 = in[r0 + c + 2];
        float b0 = in[r1 + c];
        float b1 = in[r1 + c + 1];
        float b2 = in[r1 + c + 2];
        float c0 = in[r2 + c];
        float c1 = in[r2 + c + 1];
        float c2 = in[r2 + c + 2];
        float m =
            Math.max(
                Math.max(Math.max(a0, a1), Math.max(a2, b0)),
                Math.max(Math.max(b1, b2), Math.max(Math.max(c0, c1), c2)));
        int best = r2 + c + 2;
        best = c1 == m ? r2 + c + 1 : best;
        best = c0 == m ? r2 + c : best;
        best = b2 == m ? r1 + c + 2 : best;
        best = b1 == m ? r1 + c + 1 : best;
        best = b0 == m ? r1 + c : best;
        best = a2 == m ? r0 + c + 2 : best;
        best = a1 == m ? r0 + c + 1 : best;
        best = a0 == m ? r0 + c : best;
        out[i * outWidth + j] = m;
        argmax[at + i * outWidth + j] = best;
      }
    }
  }

  private void hostBackward(FloatBuffer dy) {
    FloatBuffer dx = Nd4jHostLoops.floats(inputGrad);
    int inPlane = inputShape.height() * inputShape.width();
    int outPlane = outputShape.height() * outputShape.width();
    int planeCount = inputShape.batch() * inputShape.channels();
    int per = planesPerTask(planeCount);
    Nd4jHostLoops.parallelTasks(
        (planeCount + per - 1) / per,
        task -> {
          float[][] buffers = planes.get();
          float[] in = buffers[0];
          float[] out = buffers[1];
          for (int plane = task * per; plane < Math.min(planeCount, (task + 1) * per); plane++) {
            int at = plane * outPlane;
            dy.get(at, out, 0, outPlane);
            Arrays.fill(in, 0f);
            for (int o = 0; o < outPlane; o++) {
              in[argmax[at + o]] += out[o];
            }
            dx.put(plane * inPlane, in, 0, inPlane);
          }
        });
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
    lastInput = null;
    forwardCall.close();
    backwardCall.close();
    Nd4jTensor.free(output);
    Nd4jTensor.free(inputGrad);
    if (inputCopy != null) {
      Nd4jTensor.free(inputCopy);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
