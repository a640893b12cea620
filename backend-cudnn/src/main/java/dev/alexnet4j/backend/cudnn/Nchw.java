package dev.alexnet4j.backend.cudnn;

import dev.alexnet4j.api.tensor.Shape;

/**
 * The four dimensions a cuDNN tensor descriptor takes. Shapes of other ranks are laid out in the
 * same row-major memory: [N, F] as N x F x 1 x 1 (what cuDNN's softmax and bias ops expect), [S] as
 * 1 x S x 1 x 1, [N, C, L] as N x C x L x 1, and rank 5 or more as N x C x (rest) x 1.
 */
record Nchw(int n, int c, int h, int w) {
  static Nchw of(Shape shape) {
    int[] d = shape.dims();
    return switch (d.length) {
      case 1 -> new Nchw(1, d[0], 1, 1);
      case 2 -> new Nchw(d[0], d[1], 1, 1);
      case 3 -> new Nchw(d[0], d[1], d[2], 1);
      case 4 -> new Nchw(d[0], d[1], d[2], d[3]);
      default -> new Nchw(d[0], d[1], Math.toIntExact(shape.size() / ((long) d[0] * d[1])), 1);
    };
  }

  /** Element strides {n, c, h, w} of a packed row-major NCHW array. */
  int[] packedStrides() {
    return new int[] {c * h * w, h * w, w, 1};
  }

  /** The same dimensions with {@code channels} channels. */
  Nchw withChannels(int channels) {
    return new Nchw(n, channels, h, w);
  }

  /** Elements per channel plane: h * w. */
  int plane() {
    return h * w;
  }

  long size() {
    return (long) n * c * h * w;
  }
}
