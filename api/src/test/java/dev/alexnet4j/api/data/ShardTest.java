package dev.alexnet4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {
  private static final int[] ORDER = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10};

  @Test
  void eachShardTakesItsRowsOfEveryGlobalBatch() {
    // Global batches of 2 x 2: [9 8 | 7 6], [5 4 | 3 2]; 1 0 10 is an incomplete third.
    assertArrayEquals(new int[] {9, 8, 5, 4}, new Shard(0, 2, false).select(ORDER, 2));
    assertArrayEquals(new int[] {7, 6, 3, 2}, new Shard(1, 2, false).select(ORDER, 2));
  }

  @Test
  void keptPartialBatchesCoverEverySampleOnce() {
    List<Integer> seen = new ArrayList<>();
    long total = 0;
    for (int s = 0; s < 3; s++) {
      Shard shard = new Shard(s, 3, true);
      int[] mine = shard.select(ORDER, 2);
      assertEquals(shard.size(ORDER.length, 2), mine.length, "size of shard " + s);
      for (int i : mine) {
        seen.add(i);
      }
      total += mine.length;
    }
    assertEquals(ORDER.length, total);
    // Global batches of 3 x 2: [9 8 | 7 6 | 5 4], then the incomplete [3 2 | 1 0 | 10].
    assertEquals(List.of(9, 8, 3, 2, 7, 6, 1, 0, 5, 4, 10), seen);
  }

  @Test
  void droppedPartialBatchesGiveEveryShardTheSameSteps() {
    for (int s = 0; s < 3; s++) {
      Shard shard = new Shard(s, 3, false);
      assertEquals(2, shard.size(ORDER.length, 2), "one full global batch of 6");
      assertEquals(2, shard.select(ORDER, 2).length);
    }
  }

  @Test
  void theWholeIsTheOrderItself() {
    assertArrayEquals(ORDER, Shard.whole().select(ORDER, 4));
  }

  @Test
  void aShardOutsideTheWorldIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Shard(2, 2, true));
  }
}
