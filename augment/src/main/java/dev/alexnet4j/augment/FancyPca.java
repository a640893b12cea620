package dev.alexnet4j.augment;

/**
 * PCA colour augmentation (Krizhevsky et al. 2012, section 4.1): to every pixel of an image add
 * {@code [p1 p2 p3] [a1 l1, a2 l2, a3 l3]^T}, where {@code p_i, l_i} are the eigenvectors and
 * eigenvalues of the training set's RGB covariance and {@code a_i ~ N(0, sigma)} is drawn once per
 * presentation of the image. The covariance is of values scaled to 0..1 and the offset is scaled
 * back to 0..255 (the reference implementations' convention, see reference.conf). Immutable.
 */
public final class FancyPca {
  private final double[] values;
  private final double[][] vectors;
  private final double sigma;

  public FancyPca(SymmetricEigen3 pca, double sigma) {
    this.values = pca.values().clone();
    for (int i = 0; i < 3; i++) {
      // A covariance has no negative eigenvalues; rounding can give -1e-18 for greyscale data.
      values[i] = Math.max(0, values[i]);
    }
    this.vectors =
        new double[][] {
          pca.vectors()[0].clone(), pca.vectors()[1].clone(), pca.vectors()[2].clone()
        };
    this.sigma = sigma;
  }

  /**
   * The RGB offset, in 0..255 units, for standard normal draws {@code z} (so {@code a_i = sigma *
   * z_i}).
   */
  public float[] offset(double[] z) {
    float[] out = new float[3];
    for (int c = 0; c < 3; c++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += vectors[i][c] * sigma * z[i] * values[i];
      }
      out[c] = (float) (255 * s);
    }
    return out;
  }
}
