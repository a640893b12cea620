package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * The compute backend SPI: tensors, transfers, and one planning method per op.
 *
 * <p>Kernels are planned once per shape and run many times. A plan owns the outputs it returns
 * (preallocated when it is built) and may keep references to the inputs of its last {@code
 * forward}; its {@code backward} refers to that last forward, whose inputs must not change in
 * between. Plans, like tensors, are closed by their owner: whoever asked for one (a layer, a
 * network, an optimiser) closes it when it closes, which releases the plan's memory at once. A
 * backend holds its plans strongly until then, never weakly: one nobody closes is not freed by the
 * garbage collector but by the backend's {@link #close}, which warns naming it (see {@link
 * OpenPlans}).
 *
 * <p>Every tensor passed to a plan must live on the plan's device. A backend that cannot plan an op
 * for a shape or spec throws {@link UnsupportedOperationException} naming the op and the reason,
 * when the plan is built; it never falls back silently.
 */
public interface Backend extends AutoCloseable {

  /** The name it is selected by in {@code alexnet4j.backend}, e.g. {@code nd4j}. */
  String name();

  /** The devices this backend computes on, in index order; never empty. */
  List<Device> devices();

  /**
   * Called once on a thread that will drive {@code device} on its own (a tower's thread when a
   * network is shared over devices), before its first work there. A backend whose devices share the
   * host's cores gives the thread the device's share of them, so that towers running at the same
   * time do not compete for the same cores; a backend with real devices needs nothing here.
   *
   * @throws IllegalArgumentException if {@code device} is not one of {@link #devices()}
   */
  default void bindThread(Device device) {
    if (!devices().contains(device)) {
      throw new IllegalArgumentException(
          name() + " bindThread: no device " + device + " (devices: " + devices() + ")");
    }
  }

  // ---- tensors and transfers ----------------------------------------------------------------

  /** A new tensor of zeros. */
  Tensor zeros(Device device, Shape shape);

  /** A new tensor holding a copy of {@code data} (row-major, {@code shape.size()} values). */
  Tensor upload(Device device, Shape shape, float[] data);

  /** Overwrites {@code target} with {@code data}, which must hold exactly its size. */
  void upload(float[] data, Tensor target);

  /** A host copy of the tensor, row-major. */
  float[] download(Tensor tensor);

  /** A new tensor on {@code device} holding a copy of {@code tensor}. */
  Tensor copyTo(Tensor tensor, Device device);

  /** Copies {@code source} into {@code target} (same size; devices may differ). */
  void copy(Tensor source, Tensor target);

  /** {@code target += source}, elementwise (same size and device). */
  void add(Tensor source, Tensor target);

  /** {@code y += alpha * x}, elementwise (same size and device). */
  void axpy(float alpha, Tensor x, Tensor y);

  /** {@code tensor *= factor}, elementwise, in place. */
  void scale(Tensor tensor, float factor);

  /**
   * The sum of the squared elements (accumulated in at least float precision); NaN or infinite when
   * any element is. Trainers use it for gradient norms and to catch non-finite values.
   */
  double sumOfSquares(Tensor tensor);

  /** Sets every element of {@code tensor} to {@code value}. */
  void fill(Tensor tensor, float value);

  /**
   * A view of {@code tensor} with another shape of the same size, sharing its memory. Closing the
   * view releases nothing.
   */
  Tensor reshape(Tensor tensor, Shape shape);

  // ---- plans --------------------------------------------------------------------------------

  /**
   * Convolution over an NCHW input with weights [outC, inC / groups, kH, kW] and bias [outC].
   *
   * @param inputGradient whether {@code backward} must return the input gradient (false for a first
   *     layer, where it is not needed and may be skipped)
   */
  ConvolutionPlan convolution(
      Device device, Shape input, ConvolutionGeometry geometry, boolean inputGradient);

  /** Max pooling over an NCHW input. */
  PoolingPlan maxPooling(Device device, Shape input, PoolingGeometry geometry);

  /** Cross-channel local response normalisation with the paper's alpha (not divided by n). */
  LrnPlan lrn(Device device, Shape input, LrnParameters parameters);

  /** Rectified linear unit, any shape. */
  ElementwisePlan relu(Device device, Shape input);

  /**
   * An elementwise function with its derivative ({@link Activation}: tanh, sigmoid, exp, ELU), any
   * shape, computed on the device. Layers compose activations from these, {@link #multiply} and the
   * tensor ops above.
   */
  ElementwisePlan activation(Device device, Shape input, Activation activation);

  /** The elementwise product of two tensors of {@code shape}, with both gradients, any shape. */
  MultiplyPlan multiply(Device device, Shape shape);

  /** Inverted dropout with the counter-based mask of {@link DropoutMask}. */
  DropoutPlan dropout(Device device, Shape input, DropoutGeometry geometry);

  /**
   * Fully connected layer: input [N, in] (or any shape whose sample size is {@code in}), weights
   * [out, in], bias [out], output [N, out].
   */
  DensePlan dense(Device device, int batch, int inFeatures, int outFeatures, boolean inputGradient);

  /** Softmax over [N, classes] logits with the cross-entropy loss against integer labels. */
  SoftmaxCrossEntropyPlan softmaxCrossEntropy(Device device, int batch, int classes);

  /** The paper's SGD update with momentum and weight decay (docs/PAPER.md). */
  SgdPlan sgd(Device device);

  /**
   * Concatenation along the channel axis (axis 1) of tensors that agree on every other axis; its
   * backward splits the gradient back into the parts.
   */
  ChannelConcatPlan channelConcat(Device device, List<Shape> parts);

  /** Indices of the k largest scores of each row of [N, classes]. */
  TopKPlan topK(Device device, int batch, int classes, int k);

  /**
   * Releases every resource of the backend: plans still open are closed first, each with a warning
   * naming it (its owner leaked it). Tensors and plans it made must not be used after.
   */
  @Override
  void close();
}
