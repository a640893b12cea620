package dev.alexnet4j.api.backend;

import dev.alexnet4j.api.tensor.Shape;

/**
 * A pooling window: square kernel, stride and zero padding. The paper's overlapping pooling is
 * kernel 3, stride 2. Output size is floor((in + 2 pad - kernel) / stride) + 1; padded positions
 * never win a max.
 */
public record PoolingGeometry(int kernel, int stride, int pad) {
  public PoolingGeometry {
    if (kernel <= 0 || stride <= 0 || pad < 0) {
      throw new IllegalArgumentException(
          "pooling needs kernel > 0, stride > 0, pad >= 0; got "
              + kernel
              + "/"
              + stride
              + "/"
              + pad);
    }
    if (pad >= kernel) {
      throw new IllegalArgumentException("pooling pad " + pad + " must be < kernel " + kernel);
    }
  }

  public Shape outputShape(Shape input) {
    if (input.rank() != 4) {
      throw new IllegalArgumentException("pooling needs an NCHW input, got " + input);
    }
    if (input.height() + 2 * pad < kernel || input.width() + 2 * pad < kernel) {
      throw new IllegalArgumentException("pooling window " + kernel + " does not fit " + input);
    }
    int h = (input.height() + 2 * pad - kernel) / stride + 1;
    int w = (input.width() + 2 * pad - kernel) / stride + 1;
    return Shape.nchw(input.batch(), input.channels(), h, w);
  }
}
