package dev.alexnet4j.distributed;

import dev.alexnet4j.api.distributed.CollectiveException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * This process's rank among the ranks on its machine, and where that number came from, so that an
 * error about the GPU it selects can name its source. The {@code nccl} collective uses GPU {@code
 * value}.
 *
 * <p>In order: {@code alexnet4j.distributed.local-rank} when set to a number; else the first of
 * {@link #VARIABLES} the launcher set (Open MPI's mpirun, MPICH / Intel MPI's Hydra, Slurm's srun);
 * else 0, marked {@link #fromLauncher() not from the launcher}.
 *
 * @param value the local rank, from 0
 * @param origin what set it, for messages: {@code OMPI_COMM_WORLD_LOCAL_RANK=1}, {@code
 *     alexnet4j.distributed.local-rank = 1}, or a sentence saying nothing did
 * @param fromLauncher false when no setting and no launcher variable gave it
 */
public record LocalRank(int value, String origin, boolean fromLauncher) {
  /** The config key that overrides the launcher's variables. */
  public static final String KEY = DistributedSettings.PATH + ".local-rank";

  /** The launchers' variables, in the order they are read. */
  public static final List<String> VARIABLES =
      List.of("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID");

  public LocalRank {
    if (value < 0) {
      throw new IllegalArgumentException("local rank must be >= 0, got " + value);
    }
  }

  /**
   * The local rank from the configured override, else the launcher's environment.
   *
   * @param rankLabel names this process in errors ({@code rank 1 of 4})
   * @throws CollectiveException when a launcher variable is not a non-negative integer
   */
  static LocalRank resolve(OptionalInt configured, Map<String, String> env, String rankLabel) {
    if (configured.isPresent()) {
      return new LocalRank(configured.getAsInt(), KEY + " = " + configured.getAsInt(), true);
    }
    for (String variable : VARIABLES) {
      String text = env.get(variable);
      if (text == null) {
        continue;
      }
      int value;
      try {
        value = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        value = -1;
      }
      if (value < 0) {
        throw new CollectiveException(
            variable
                + "='"
                + text
                + "' is not a non-negative integer on "
                + rankLabel
                + "; the launcher sets it, do not set it by hand (to choose the local rank"
                + " yourself, set "
                + KEY
                + ")");
      }
      return new LocalRank(value, variable + "=" + value, true);
    }
    return new LocalRank(
        0, "0: none of " + String.join(", ", VARIABLES) + " is set and " + KEY + " = auto", false);
  }
}
