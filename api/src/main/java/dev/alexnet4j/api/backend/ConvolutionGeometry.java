package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Shape;

/**
 * What a convolution computes, apart from its input: channels, kernel, stride, zero padding and
 * groups. With {@code groups = g}, input and output channels are cut into g equal blocks and output
 * block i sees only input block i (the paper's "own GPU only" connections).
 */
public record ConvolutionGeometry(
    int inChannels,
    int outChannels,
    int kernelHeight,
    int kernelWidth,
    int strideHeight,
    int strideWidth,
    int padHeight,
    int padWidth,
    int groups) {

  public ConvolutionGeometry {
    requirePositive("in-channels", inChannels);
    requirePositive("out-channels", outChannels);
    requirePositive("kernel height", kernelHeight);
    requirePositive("kernel width", kernelWidth);
    requirePositive("stride height", strideHeight);
    requirePositive("stride width", strideWidth);
    requirePositive("groups", groups);
    if (padHeight < 0 || padWidth < 0) {
      throw new IllegalArgumentException("padding must be >= 0, got " + padHeight + "x" + padWidth);
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "groups = "
              + groups
              + " must divide in-channels ("
              + inChannels
              + ") and out-channels ("
              + outChannels
              + ")");
    }
  }

  /** Square kernel, stride and padding. */
  public static ConvolutionGeometry square(
      int inChannels, int outChannels, int kernel, int stride, int pad, int groups) {
    return new ConvolutionGeometry(
        inChannels, outChannels, kernel, kernel, stride, stride, pad, pad, groups);
  }

  /** Weight shape [outC, inC / groups, kH, kW]. */
  public Shape weightShape() {
    return Shape.of(outChannels, inChannels / groups, kernelHeight, kernelWidth);
  }

  /** Output shape for an NCHW input, or an exception naming what does not fit. */
  public Shape outputShape(Shape input) {
    if (input.rank() != 4) {
      throw new IllegalArgumentException("convolution needs an NCHW input, got " + input);
    }
    if (input.channels() != inChannels) {
      throw new IllegalArgumentException(
          "convolution expects " + inChannels + " input channels, got " + input);
    }
    int h = (input.height() + 2 * padHeight - kernelHeight) / strideHeight + 1;
    int w = (input.width() + 2 * padWidth - kernelWidth) / strideWidth + 1;
    if (input.height() + 2 * padHeight < kernelHeight
        || input.width() + 2 * padWidth < kernelWidth) {
      throw new IllegalArgumentException(
          "kernel " + kernelHeight + "x" + kernelWidth + " does not fit input " + input);
    }
    return Shape.nchw(input.batch(), outChannels, h, w);
  }

  private static void requirePositive(String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
  }
}
