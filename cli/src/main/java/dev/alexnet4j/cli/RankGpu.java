package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.distributed.Collective;
import java.util.List;
import java.util.OptionalInt;

/**
 * One GPU per rank: when the collective works on a GPU ({@code --dist nccl}), the rank's network is
 * built on that GPU alone, so {@code alexnet4j.devices} becomes {@code [gpu]} and the cudnn backend
 * opens no other. Without that, every rank of a machine would compute on GPU 0.
 */
final class RankGpu {
  static final String CUDNN = "cudnn";

  private RankGpu() {}

  /**
   * The config this rank builds its backend and network from.
   *
   * @param devicesOption whether {@code --devices} was given
   * @throws UserError when devices were chosen by hand, which a GPU collective decides per rank
   */
  static Config forRank(Config config, Collective ranks, boolean devicesOption) {
    OptionalInt gpu = ranks.gpu();
    if (gpu.isEmpty() || !CUDNN.equals(config.getString("alexnet4j.backend"))) {
      // No GPU collective, or a backend that does not compute on CUDA devices.
      return config;
    }
    List<Integer> configured = DeviceSettings.from(config).indices();
    if (devicesOption || !configured.equals(List.of(0))) {
      throw new UserError(
          (devicesOption ? "--devices" : DeviceSettings.KEY + " = " + configured)
              + " cannot be combined with --dist "
              + ranks.name()
              + ": each rank computes on one GPU, the one of its local rank (GPU "
              + gpu.getAsInt()
              + " for "
              + (ranks.rank() == 0 ? "this rank" : "rank " + ranks.rank())
              + ", alexnet4j.distributed.local-rank); leave the devices at [0], and give the ranks"
              + " other GPUs with CUDA_VISIBLE_DEVICES");
    }
    return config.withValue(
        DeviceSettings.KEY, ConfigValueFactory.fromIterable(List.of(gpu.getAsInt())));
  }
}
