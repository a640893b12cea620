package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigen3Test {
  @Test
  void eigenvectorsAreOrthonormalAndRebuildTheMatrix() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      double[][] a = randomSymmetric(random, trial % 3 == 0);
      SymmetricEigen3 e = SymmetricEigen3.of(a);
      double[][] v = e.vectors();
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(i == j ? 1 : 0, dot(v[i], v[j]), 1e-12, "v" + i + " . v" + j);
        }
      }
      double scale = Math.abs(e.values()[0]) + Math.abs(e.values()[2]) + 1e-300;
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          double rebuilt = 0;
          for (int i = 0; i < 3; i++) {
            rebuilt += e.values()[i] * v[i][r] * v[i][c];
          }
          assertEquals(a[r][c], rebuilt, 1e-12 * scale, "trial " + trial + " entry " + r + c);
        }
      }
      assertTrue(e.values()[0] >= e.values()[1] && e.values()[1] >= e.values()[2]);
    }
  }

  @Test
  void diagonalAndKnownMatrices() {
    SymmetricEigen3 d = SymmetricEigen3.of(new double[][] {{1, 0, 0}, {0, 3, 0}, {0, 0, 2}});
    assertEquals(3, d.values()[0], 0);
    assertEquals(1, Math.abs(d.vectors()[0][1]), 0);
    // All-ones: eigenvalue 3 along (1,1,1)/sqrt(3), 0 twice.
    SymmetricEigen3 ones = SymmetricEigen3.of(new double[][] {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
    assertEquals(3, ones.values()[0], 1e-12);
    assertEquals(0, ones.values()[1], 1e-12);
    assertEquals(1 / Math.sqrt(3), Math.abs(ones.vectors()[0][2]), 1e-12);
  }

  @Test
  void rejectsAnAsymmetricMatrix() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SymmetricEigen3.of(new double[][] {{1, 2, 0}, {0, 1, 0}, {0, 0, 1}}));
  }

  /** A covariance-like matrix (B B^T, optionally with nearly equal eigenvalues). */
  private static double[][] randomSymmetric(Random random, boolean degenerate) {
    double[][] b = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        b[i][j] = random.nextGaussian() * (degenerate ? 1e-3 : 1);
      }
    }
    double[][] a = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a[i][j] = dot(b[i], b[j]) + (degenerate && i == j ? 0.07 : 0);
      }
    }
    return a;
  }

  private static double dot(double[] x, double[] y) {
    return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  }
}
