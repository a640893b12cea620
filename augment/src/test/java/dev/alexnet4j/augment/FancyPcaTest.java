package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FancyPcaTest {
  private static final int SIZE = 8;
  private static final int CROP = 8;
  // An RGB covariance shaped like ImageNet's: strongly correlated channels.
  private static final double[][] COVARIANCE = {
    {0.066, 0.060, 0.052}, {0.060, 0.062, 0.057}, {0.052, 0.057, 0.068}
  };

  @Test
  void offsetOfKnownCoefficientsIsTheSumOfScaledEigenvectors() {
    SymmetricEigen3 e = SymmetricEigen3.of(COVARIANCE);
    FancyPca pca = new FancyPca(e, 0.1);
    float[] offset = pca.offset(new double[] {1, -2, 0.5});
    double[] a = {0.1, -0.2, 0.05};
    for (int c = 0; c < 3; c++) {
      double expect = 0;
      for (int i = 0; i < 3; i++) {
        expect += e.vectors()[i][c] * a[i] * e.values()[i];
      }
      assertEquals(255 * expect, offset[c], 1e-4);
    }
  }

  @Test
  void coefficientsRecoveredFromTheImagesAreNormalWithTheStatedSigma() {
    double sigma = 0.1;
    DatasetStatistics stats = statistics();
    SymmetricEigen3 e = stats.pca();
    TrainingAugmentation aug =
        new TrainingAugmentation(
            99,
            new PreprocessSettings(SIZE, SIZE, CROP, MeanMode.NONE),
            new TrainSettings(true, false, false, true, sigma),
            stats);
    PlanarImage grey = PlanarImage.allocate(SIZE, SIZE);
    Arrays.fill(grey.pixels(), (byte) 128);
    int n = 20_000;
    double[][] alphas = new double[3][n];
    float[] out = new float[3 * CROP * CROP];
    int plane = CROP * CROP;
    for (int k = 0; k < n; k++) {
      aug.render(grey, 1, k, out, 0);
      double[] offset = new double[3];
      for (int c = 0; c < 3; c++) {
        offset[c] = out[c * plane] - 128;
        for (int p = 1; p < plane; p++) {
          // The same offset for every pixel of a presentation.
          assertEquals(out[c * plane], out[c * plane + p], 0, "pixel " + p + " of channel " + c);
        }
      }
      for (int i = 0; i < 3; i++) {
        double projection = 0;
        for (int c = 0; c < 3; c++) {
          projection += e.vectors()[i][c] * offset[c];
        }
        alphas[i][k] = projection / (255 * e.values()[i]);
      }
    }
    for (int i = 0; i < 3; i++) {
      double mean = Arrays.stream(alphas[i]).average().orElseThrow();
      double sd = Math.sqrt(Arrays.stream(alphas[i]).map(a -> (a - mean) * (a - mean)).sum() / n);
      assertEquals(0, mean, 5 * sigma / Math.sqrt(n), "mean of a" + i);
      assertEquals(sigma, sd, 0.03 * sigma, "sd of a" + i);
      long withinOne = Arrays.stream(alphas[i]).filter(a -> Math.abs(a) < sigma).count();
      assertEquals(0.6827, (double) withinOne / n, 0.015, "share within one sigma, a" + i);
      long beyondTwo = Arrays.stream(alphas[i]).filter(a -> Math.abs(a) > 2 * sigma).count();
      assertEquals(0.0455, (double) beyondTwo / n, 0.008, "share beyond two sigma, a" + i);
    }
    double corr = correlation(alphas[0], alphas[1]);
    assertTrue(Math.abs(corr) < 0.05, "a0 and a1 are independent, correlation " + corr);
  }

  private static DatasetStatistics statistics() {
    return new DatasetStatistics(SIZE, 1, 1, new float[3], new float[3 * SIZE * SIZE], COVARIANCE);
  }

  private static double correlation(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
