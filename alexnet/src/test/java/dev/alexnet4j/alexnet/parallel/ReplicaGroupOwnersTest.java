package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Which device owns (reduces, updates) each replicated parameter. */
class ReplicaGroupOwnersTest {

  @Test
  void largestFirstEachToTheLeastLoadedDevice() {
    // AlexNet's fully connected weights and biases: fc6 alone is more than the rest together.
    long[] sizes = {37_748_736, 4096, 16_777_216, 4096, 4_096_000, 1000};
    assertArrayEquals(new int[] {0, 1, 1, 1, 1, 1}, ReplicaGroup.balancedOwners(sizes, 2));
  }

  @Test
  void equalSizesAlternateAndTiesGoToTheLowerIndex() {
    assertArrayEquals(
        new int[] {0, 1, 2, 0, 1, 2},
        ReplicaGroup.balancedOwners(new long[] {5, 5, 5, 5, 5, 5}, 3));
  }

  @Test
  void weightsAndBiasesAreNotSortedOntoOneDevice() {
    // Round-robin by index would give device 0 every weight and device 1 every bias.
    long[] sizes = {34_848, 96, 307_200, 256, 884_736, 384};
    int[] owners = ReplicaGroup.balancedOwners(sizes, 2);
    long[] load = new long[2];
    for (int i = 0; i < sizes.length; i++) {
      load[owners[i]] += sizes[i];
    }
    assertArrayEquals(new long[] {884_736, 34_848 + 307_200 + 96 + 256 + 384}, load);
  }
}
