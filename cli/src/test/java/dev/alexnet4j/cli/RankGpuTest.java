package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.distributed.Collective;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** With a GPU collective (--dist nccl), each rank's network goes on its own GPU and only there. */
class RankGpuTest {
  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  private static Collective rankOnGpu(int rank, OptionalInt gpu) {
    Collective ranks = mock(Collective.class);
    when(ranks.name()).thenReturn("nccl");
    when(ranks.rank()).thenReturn(rank);
    when(ranks.gpu()).thenReturn(gpu);
    return ranks;
  }

  @Test
  void onCudnnEachRankComputesOnItsCollectivesGpuAlone() {
    for (int r = 0; r < 4; r++) {
      Config forRank =
          RankGpu.forRank(
              config("alexnet4j.backend = cudnn"), rankOnGpu(4 + r, OptionalInt.of(r)), false);
      assertEquals(List.of(r), forRank.getIntList("alexnet4j.devices"), "rank " + (4 + r));
    }
  }

  @Test
  void collectivesWithoutAGpuAndOtherBackendsLeaveTheDevicesAlone() {
    Config cudnn = config("alexnet4j.backend = cudnn, alexnet4j.devices = [0, 1]");
    assertSame(cudnn, RankGpu.forRank(cudnn, rankOnGpu(1, OptionalInt.empty()), true));
    Config nd4j = config("alexnet4j.backend = nd4j");
    assertSame(nd4j, RankGpu.forRank(nd4j, rankOnGpu(1, OptionalInt.of(1)), false));
  }

  @Test
  void devicesChosenByHandAreRefusedWithTheReasonAndTheWayOut() {
    UserError option =
        assertThrows(
            UserError.class,
            () ->
                RankGpu.forRank(
                    config("alexnet4j.backend = cudnn"), rankOnGpu(1, OptionalInt.of(1)), true));
    assertTrue(option.getMessage().startsWith("--devices cannot be combined with --dist nccl"));
    assertTrue(option.getMessage().contains("GPU 1 for rank 1"), option.getMessage());
    assertTrue(option.getMessage().contains("CUDA_VISIBLE_DEVICES"), option.getMessage());
    UserError key =
        assertThrows(
            UserError.class,
            () ->
                RankGpu.forRank(
                    config("alexnet4j.backend = cudnn, alexnet4j.devices = [0, 1]"),
                    rankOnGpu(0, OptionalInt.of(0)),
                    false));
    assertTrue(
        key.getMessage().startsWith("alexnet4j.devices = [0, 1] cannot be combined"),
        key.getMessage());
  }
}
