package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a convolution plan of this backend (libnd4j's or oneDNN's) is planned for, and the checks of
 * the tensors it is handed: each must be on the plan's device and of its shape, or the message
 * names the plan, the pass and the operand.
 */
final class Nd4jConvolutionOperands {
  final Device device;
  final Shape input;
  final Shape output;
  final Shape weight;
  final Shape bias;

  /**
   * The plan as messages and logs name it, e.g. {@code onednn convolution [..] -> [..] (..) on
   * cpu:0}.
   */
  final String where;

  private final String forward;
  private final String backward;

  Nd4jConvolutionOperands(String path, Device device, Shape input, ConvolutionGeometry geometry) {
    this.device = device;
    this.input = input;
    this.output = geometry.outputShape(input);
    this.weight = geometry.weightShape();
    this.bias = Shape.of(geometry.outChannels());
    this.where =
        path
            + " convolution "
            + input
            + " -> "
            + output
            + " (kernel "
            + geometry.kernelHeight()
            + "x"
            + geometry.kernelWidth()
            + ", groups "
            + geometry.groups()
            + ") on "
            + device;
    this.forward = where + " forward";
    this.backward = where + " backward";
  }

  INDArray input(Tensor t) {
    return Nd4jOps.array(t, device, input, forward, "input");
  }

  INDArray weight(Tensor t) {
    return Nd4jOps.array(t, device, weight, forward, "weight");
  }

  /** The bias, or {@code none} when there is none. */
  INDArray bias(Tensor t, INDArray none) {
    return t == null ? none : Nd4jOps.array(t, device, bias, forward, "bias");
  }

  INDArray outputGradient(Tensor t) {
    return Nd4jOps.array(t, device, output, backward, "output gradient");
  }

  INDArray weightGradient(Tensor t) {
    return Nd4jOps.array(t, device, weight, backward, "weight gradient");
  }

  /** The bias gradient, or {@code none} when none is asked for. */
  INDArray biasGradient(Tensor t, INDArray none) {
    return t == null ? none : Nd4jOps.array(t, device, bias, backward, "bias gradient");
  }
}
