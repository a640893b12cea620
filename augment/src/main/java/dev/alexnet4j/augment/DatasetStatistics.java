package dev.alexnet4j.augment;

import java.util.Arrays;

/**
 * What preprocessing needs from the training set, computed once ({@link StatisticsCalculator}) and
 * cached ({@link StatisticsCache}): the mean of every channel and of every pixel of the {@code
 * center-size} square (values in 0..255), and the eigen-decomposition of the 3x3 RGB covariance for
 * fancy PCA (values scaled to 0..1). Immutable.
 */
public final class DatasetStatistics {
  private final int size;
  private final long images;
  private final long pcaPixels;
  private final float[] channelMean;
  private final float[] pixelMean;
  private final double[][] covariance;
  private final SymmetricEigen3 pca;

  /**
   * @param size side of the square the means were taken over ({@code center-size})
   * @param images images that contributed
   * @param pcaPixels pixels that contributed to the covariance
   * @param channelMean mean R, G, B in 0..255
   * @param pixelMean mean image, planar [3][size][size], in 0..255
   * @param covariance RGB covariance of pixel values scaled to 0..1
   */
  public DatasetStatistics(
      int size,
      long images,
      long pcaPixels,
      float[] channelMean,
      float[] pixelMean,
      double[][] covariance) {
    if (channelMean.length != 3 || pixelMean.length != 3 * size * size) {
      throw new IllegalArgumentException(
          "need 3 channel means and a 3x"
              + size
              + "x"
              + size
              + " mean image, got "
              + channelMean.length
              + " and "
              + pixelMean.length
              + " values");
    }
    this.size = size;
    this.images = images;
    this.pcaPixels = pcaPixels;
    this.channelMean = channelMean.clone();
    this.pixelMean = pixelMean.clone();
    this.covariance =
        new double[][] {covariance[0].clone(), covariance[1].clone(), covariance[2].clone()};
    this.pca = SymmetricEigen3.of(this.covariance);
  }

  /** Side of the square the mean image covers. */
  public int size() {
    return size;
  }

  public long images() {
    return images;
  }

  public long pcaPixels() {
    return pcaPixels;
  }

  /** Mean R, G, B over the training set, 0..255. */
  public float[] channelMean() {
    return channelMean.clone();
  }

  /** Mean image, planar [3][size][size], 0..255. */
  public float[] pixelMean() {
    return pixelMean.clone();
  }

  /** The 3x3 RGB covariance of pixel values scaled to 0..1. */
  public double[][] covariance() {
    return new double[][] {covariance[0].clone(), covariance[1].clone(), covariance[2].clone()};
  }

  /** Eigenvalues (largest first) and unit eigenvectors of {@link #covariance()}. */
  public SymmetricEigen3 pca() {
    return new SymmetricEigen3(
        pca.values().clone(),
        new double[][] {
          pca.vectors()[0].clone(), pca.vectors()[1].clone(), pca.vectors()[2].clone()
        });
  }

  /**
   * The planar [3][size][size] image to subtract for {@code mode}: the mean image, the channel
   * means spread over every position, or zeros. One code path then serves all three modes.
   */
  public float[] subtrahend(MeanMode mode) {
    float[] out = new float[3 * size * size];
    switch (mode) {
      case PER_PIXEL -> System.arraycopy(pixelMean, 0, out, 0, out.length);
      case PER_CHANNEL -> {
        for (int c = 0; c < 3; c++) {
          Arrays.fill(out, c * size * size, (c + 1) * size * size, channelMean[c]);
        }
      }
      case NONE -> {}
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(
        "mean RGB %.2f %.2f %.2f over %d images; PCA eigenvalues %.5f %.5f %.5f over %d pixels",
        channelMean[0],
        channelMean[1],
        channelMean[2],
        images,
        pca.values()[0],
        pca.values()[1],
        pca.values()[2],
        pcaPixels);
  }
}
