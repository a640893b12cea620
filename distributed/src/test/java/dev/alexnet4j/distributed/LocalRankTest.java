package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.distributed.CollectiveException;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Where a rank's local rank (and so its GPU) comes from: the config, else the launcher. */
class LocalRankTest {
  private static LocalRank resolve(OptionalInt configured, Map<String, String> env) {
    return LocalRank.resolve(configured, env, "rank 5 of 8");
  }

  @Test
  void eachLaunchersVariableIsRead() {
    assertEquals(
        new LocalRank(1, "OMPI_COMM_WORLD_LOCAL_RANK=1", true),
        resolve(OptionalInt.empty(), Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "1")));
    assertEquals(
        new LocalRank(2, "MPI_LOCALRANKID=2", true),
        resolve(OptionalInt.empty(), Map.of("MPI_LOCALRANKID", "2")));
    assertEquals(
        new LocalRank(3, "SLURM_LOCALID=3", true),
        resolve(OptionalInt.empty(), Map.of("SLURM_LOCALID", " 3 ")));
  }

  @Test
  void openMpisVariableComesFirst() {
    Map<String, String> all =
        Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "1", "MPI_LOCALRANKID", "2", "SLURM_LOCALID", "3");
    assertEquals(1, resolve(OptionalInt.empty(), all).value());
  }

  @Test
  void theConfiguredLocalRankWins() {
    LocalRank local =
        resolve(OptionalInt.of(3), Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "1", "SLURM_LOCALID", "0"));
    assertEquals(new LocalRank(3, "alexnet4j.distributed.local-rank = 3", true), local);
  }

  @Test
  void withoutLauncherOrSettingItIsZeroAndSaysSo() {
    LocalRank local = resolve(OptionalInt.empty(), Map.of("OMPI_COMM_WORLD_RANK", "5"));
    assertEquals(0, local.value());
    assertFalse(local.fromLauncher());
    assertTrue(local.origin().contains("OMPI_COMM_WORLD_LOCAL_RANK"), local.origin());
  }

  @Test
  void aGarbledVariableNamesItselfAndTheRank() {
    for (String bad : new String[] {"x", "-1", ""}) {
      CollectiveException e =
          assertThrows(
              CollectiveException.class,
              () -> resolve(OptionalInt.empty(), Map.of("SLURM_LOCALID", bad)));
      assertTrue(e.getMessage().startsWith("SLURM_LOCALID='" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("rank 5 of 8"), e.getMessage());
    }
  }

  @Test
  void theSettingIsAutoByDefaultAndTakesANumberOrItsText() {
    assertEquals(OptionalInt.empty(), DistributedSettings.from(ConfigFactory.load()).localRank());
    assertEquals(
        OptionalInt.of(2),
        DistributedSettings.from(
                ConfigFactory.parseString("alexnet4j.distributed.local-rank = 2")
                    .withFallback(ConfigFactory.load()))
            .localRank());
    assertEquals(
        OptionalInt.of(1),
        DistributedSettings.from(
                ConfigFactory.parseMap(Map.of("alexnet4j.distributed.local-rank", "1"))
                    .withFallback(ConfigFactory.load()))
            .localRank());
  }

  @Test
  void aBadSettingNamesTheKey() {
    for (String bad : new String[] {"-1", "first", "1.5"}) {
      ConfigurationException e =
          assertThrows(
              ConfigurationException.class,
              () ->
                  DistributedSettings.from(
                      ConfigFactory.parseMap(Map.of("alexnet4j.distributed.local-rank", bad))
                          .withFallback(ConfigFactory.load())));
      assertEquals("alexnet4j.distributed.local-rank", e.path());
    }
  }
}
