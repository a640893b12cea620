package dev.alexnet4j.api.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorCounterTest {
  @Test
  void countsTopOneAndTopFiveOverRealSamplesOnly() {
    ErrorCounter c = new ErrorCounter();
    int[][] ranked = {
      {3, 1, 2, 0, 4, 5}, // label 3: top-1 hit
      {1, 2, 3, 4, 0, 5}, // label 0: top-5 hit only
      {1, 2, 3, 4, 5, 0}, // label 0: miss
      {0, 1, 2, 3, 4, 5} // padding slot, not counted
    };
    c.add(ranked, new int[] {3, 0, 0, -1}, 3);
    c.addLoss(2.0, 3);
    assertEquals(3, c.samples());
    assertEquals(2.0 / 3, c.top1Error(), 1e-12);
    assertEquals(1.0 / 3, c.top5Error(), 1e-12);
    assertEquals(2.0, c.meanLoss(), 1e-12);
    c.reset();
    assertTrue(Double.isNaN(c.top1Error()));
  }
}
