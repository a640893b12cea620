package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class CudnnTopKTest {
  @Test
  void bestFirstTiesToTheLowerIndexNanLast() {
    float[] scores = {
      0.1f, 0.7f, 0.7f, 0.2f, Float.NaN, //
      Float.NaN, -1f, 3f, 3f, 2f
    };
    int[][] top = CudnnTopK.select(scores, 2, 5, 3);
    assertArrayEquals(new int[] {1, 2, 3}, top[0]);
    assertArrayEquals(new int[] {2, 3, 4}, top[1]);
    assertArrayEquals(
        new int[] {4}, CudnnTopK.select(new float[] {Float.NaN, 1, 2, 3, 5}, 1, 5, 1)[0]);
  }
}
