package dev.alexnet4j.augment;

/**
 * Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations (Numerical Recipes
 * section 11.1): each rotation zeroes one off-diagonal element, and a handful of sweeps bring the
 * off-diagonal mass below double precision. Enough for fancy PCA's RGB covariance without a
 * linear-algebra dependency.
 *
 * @param values eigenvalues, largest first
 * @param vectors unit eigenvectors, {@code vectors[i]} belonging to {@code values[i]}
 */
public record SymmetricEigen3(double[] values, double[][] vectors) {
  private static final int MAX_SWEEPS = 64;

  /** Decomposes {@code a}, which must be symmetric; {@code a} is not modified. */
  public static SymmetricEigen3 of(double[][] a) {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double d = Math.abs(a[i][j] - a[j][i]);
        if (d > 1e-12 * (Math.abs(a[i][j]) + Math.abs(a[j][i]) + 1e-300)) {
          throw new IllegalArgumentException(
              "matrix is not symmetric: a["
                  + i
                  + "]["
                  + j
                  + "] = "
                  + a[i][j]
                  + ", a["
                  + j
                  + "]["
                  + i
                  + "] = "
                  + a[j][i]);
        }
      }
    }
    double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
    double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = m[0][1] * m[0][1] + m[0][2] * m[0][2] + m[1][2] * m[1][2];
      double diag = m[0][0] * m[0][0] + m[1][1] * m[1][1] + m[2][2] * m[2][2];
      if (off <= 1e-32 * diag || off == 0) {
        break;
      }
      rotate(m, v, 0, 1);
      rotate(m, v, 0, 2);
      rotate(m, v, 1, 2);
    }
    // Columns of v are the eigenvectors; order them by eigenvalue, largest first.
    Integer[] order = {0, 1, 2};
    java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y][y], m[x][x]));
    double[] values = new double[3];
    double[][] vectors = new double[3][3];
    for (int i = 0; i < 3; i++) {
      int k = order[i];
      values[i] = m[k][k];
      for (int r = 0; r < 3; r++) {
        vectors[i][r] = v[r][k];
      }
    }
    return new SymmetricEigen3(values, vectors);
  }

  /** Applies the rotation in the (p, q) plane that zeroes m[p][q]: m = J^T m J, v = v J. */
  private static void rotate(double[][] m, double[][] v, int p, int q) {
    if (m[p][q] == 0) {
      return;
    }
    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    if (theta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    double[][] j = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    j[p][p] = c;
    j[q][q] = c;
    j[p][q] = s;
    j[q][p] = -s;
    double[][] mj = multiply(m, j);
    double[][] jt = transpose(j);
    double[][] rotated = multiply(jt, mj);
    double[][] vj = multiply(v, j);
    for (int r = 0; r < 3; r++) {
      System.arraycopy(rotated[r], 0, m[r], 0, 3);
      System.arraycopy(vj[r], 0, v[r], 0, 3);
    }
    // Exact zero and exact symmetry, which rounding would otherwise erode sweep after sweep.
    m[p][q] = 0;
    m[q][p] = 0;
    for (int r = 0; r < 3; r++) {
      for (int k = r + 1; k < 3; k++) {
        m[k][r] = m[r][k];
      }
    }
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] out = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 3; k++) {
        double s = 0;
        for (int x = 0; x < 3; x++) {
          s += a[i][x] * b[x][k];
        }
        out[i][k] = s;
      }
    }
    return out;
  }

  private static double[][] transpose(double[][] a) {
    double[][] out = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 3; k++) {
        out[i][k] = a[k][i];
      }
    }
    return out;
  }
}
