package dev.alexnet4j.augment;

import java.io.IOException;

/**
 * Brings a decoded image to the {@code center-size} square of docs/PAPER.md: shorter side rescaled
 * to {@code shorter-side} (unless 0), then the central square cut, stored planar. Only that square
 * is computed. One instance per worker thread: it reuses its buffers and returns the same output
 * image every call.
 */
final class Preprocessor {
  private final int shorterSide;
  private final int size;
  private final PlanarImage output;
  private float[] row = new float[0];

  /** Images this instance had to resample; a test hook for the no-resize path of prepared data. */
  private long resamples;

  Preprocessor(PreprocessSettings settings) {
    this.shorterSide = settings.shorterSide();
    this.size = settings.centerSize();
    this.output = PlanarImage.allocate(size, size);
  }

  int size() {
    return size;
  }

  /**
   * How many images so far were resampled rather than copied: stays 0 on data already at {@code
   * center-size} (as {@code prepare} writes it). Package-private, for tests.
   */
  long resamples() {
    return resamples;
  }

  /**
   * The central square of the rescaled image, in this preprocessor's buffer: valid until the next
   * call.
   *
   * @throws IOException if {@code shorter-side} is 0 and the image is smaller than the square
   */
  PlanarImage apply(RgbImage image) throws IOException {
    int w = image.width();
    int h = image.height();
    int tw = w;
    int th = h;
    if (shorterSide > 0 && Math.min(w, h) != shorterSide) {
      // Round the longer side; never below the square, which the shorter side already fills.
      if (w <= h) {
        tw = shorterSide;
        th = Math.max(size, (int) Math.round((double) h * shorterSide / w));
      } else {
        th = shorterSide;
        tw = Math.max(size, (int) Math.round((double) w * shorterSide / h));
      }
    }
    if (tw < size || th < size) {
      throw new IOException(
          "image is "
              + w
              + "x"
              + h
              + ", smaller than preprocess.center-size "
              + size
              + " (preprocess.shorter-side is 0, so it is not rescaled)");
    }
    if (w == size && h == size) {
      output.copyFrom(image);
      return output;
    }
    resamples++;
    ResampleAxis xs = new ResampleAxis(w, tw, (tw - size) / 2, size);
    ResampleAxis ys = new ResampleAxis(h, th, (th - size) / 2, size);
    resample(image, xs, ys);
    return output;
  }

  /**
   * Per output row: the vertical pass blends whole source rows (contiguous, so it vectorises),
   * restricted to the columns the window reads; the horizontal pass then gathers each output pixel.
   */
  private void resample(RgbImage image, ResampleAxis xs, ResampleAxis ys) {
    byte[] src = image.pixels();
    int stride = 3 * image.width();
    int x0 = xs.lowestSource();
    int span = 3 * (xs.highestSourceExclusive() - x0);
    if (row.length < span) {
      row = new float[span];
    }
    float[] acc = row;
    byte[] out = output.pixels();
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      int first = ys.first(y);
      float w0 = ys.weight(y, 0);
      int s0 = first * stride + 3 * x0;
      for (int i = 0; i < span; i++) {
        acc[i] = w0 * (src[s0 + i] & 0xff);
      }
      for (int k = 1, n = ys.taps(y); k < n; k++) {
        float wk = ys.weight(y, k);
        int sk = (first + k) * stride + 3 * x0;
        for (int i = 0; i < span; i++) {
          acc[i] += wk * (src[sk + i] & 0xff);
        }
      }
      int o = y * size;
      for (int x = 0; x < size; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        int a = 3 * (xs.first(x) - x0);
        for (int k = 0, n = xs.taps(x); k < n; k++, a += 3) {
          float wk = xs.weight(x, k);
          r += wk * acc[a];
          g += wk * acc[a + 1];
          b += wk * acc[a + 2];
        }
        out[o + x] = toByte(r);
        out[plane + o + x] = toByte(g);
        out[2 * plane + o + x] = toByte(b);
      }
    }
  }

  private static byte toByte(float v) {
    int i = (int) (v + 0.5f);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }
}
