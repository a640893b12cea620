package dev.alexnet4j.augment;

/**
 * Resampling weights along one axis, from {@code sourceLength} pixels to a window of an axis {@code
 * targetLength} long: output pixel {@code i} of the window is {@code sum_k weight(i, k) *
 * source[first(i) + k]}.
 *
 * <p>Shrinking averages areas: output pixel {@code i} covers source interval {@code [i * s, (i + 1)
 * * s)} with {@code s = sourceLength / targetLength}, and each source pixel weighs by how much of
 * it lies inside. Unlike nearest neighbour or plain bilinear sampling, every source pixel
 * contributes, so downscaled photos do not alias. Enlarging interpolates bilinearly between pixel
 * centres.
 */
final class ResampleAxis {
  private final int[] first;
  private final int[] taps;
  private final float[] weights;
  private final int maxTaps;

  /**
   * @param sourceLength pixels in the source
   * @param targetLength pixels of the full rescaled axis
   * @param windowStart first output pixel wanted (the centre crop's offset)
   * @param windowLength output pixels wanted
   */
  ResampleAxis(int sourceLength, int targetLength, int windowStart, int windowLength) {
    if (windowStart < 0 || windowStart + windowLength > targetLength) {
      throw new IllegalArgumentException(
          "window ["
              + windowStart
              + ", "
              + (windowStart + windowLength)
              + ") outside an axis of "
              + targetLength);
    }
    double scale = (double) sourceLength / targetLength;
    this.maxTaps = scale > 1 ? (int) Math.ceil(scale) + 1 : 2;
    this.first = new int[windowLength];
    this.taps = new int[windowLength];
    this.weights = new float[windowLength * maxTaps];
    for (int i = 0; i < windowLength; i++) {
      int out = windowStart + i;
      if (sourceLength == targetLength) {
        set(i, out, new double[] {1});
      } else if (scale > 1) {
        area(i, out * scale, (out + 1) * scale, sourceLength, scale);
      } else {
        bilinear(i, (out + 0.5) * scale - 0.5, sourceLength);
      }
    }
  }

  private void area(int i, double from, double to, int sourceLength, double scale) {
    int j0 = (int) Math.floor(from);
    int j1 = Math.min(sourceLength, (int) Math.ceil(to));
    double[] w = new double[j1 - j0];
    for (int j = j0; j < j1; j++) {
      w[j - j0] = (Math.min(to, j + 1) - Math.max(from, j)) / scale;
    }
    set(i, j0, w);
  }

  private void bilinear(int i, double centre, int sourceLength) {
    double c = Math.max(0, Math.min(sourceLength - 1, centre));
    int j0 = (int) Math.floor(c);
    if (j0 >= sourceLength - 1) {
      set(i, sourceLength - 1, new double[] {1});
      return;
    }
    double f = c - j0;
    set(i, j0, new double[] {1 - f, f});
  }

  private void set(int i, int start, double[] w) {
    // Renormalise: rounding in the interval ends must not darken or brighten the image.
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    first[i] = start;
    taps[i] = w.length;
    for (int k = 0; k < w.length; k++) {
      weights[i * maxTaps + k] = (float) (w[k] / sum);
    }
  }

  int length() {
    return first.length;
  }

  int first(int i) {
    return first[i];
  }

  int taps(int i) {
    return taps[i];
  }

  float weight(int i, int k) {
    return weights[i * maxTaps + k];
  }

  /** The lowest source pixel any output reads. */
  int lowestSource() {
    return first[0];
  }

  /** One past the highest source pixel any output reads. */
  int highestSourceExclusive() {
    int last = first.length - 1;
    return first[last] + taps[last];
  }
}
