package dev.alexnet4j.api.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.PluginRegistry;
import dev.alexnet4j.api.config.PluginType;

/**
 * The collectives: {@link CollectiveProvider}s listed in {@code META-INF/services}, chosen by
 * {@value #KEY} (the command line's {@code --dist} sets it), found and chosen as backends are. The
 * api lists {@code local}; the {@code distributed} module lists {@code mpi} and {@code nccl}.
 */
public final class Collectives {
  public static final String KEY = "alexnet4j.distributed.collective";

  public static final PluginType<CollectiveProvider> TYPE =
      PluginType.of(CollectiveProvider.class, KEY, "collective", CollectiveProvider::name)
          .withAvailability(CollectiveProvider::availability)
          .withModule("alexnet4j-distributed", "mpi", "nccl");

  private Collectives() {}

  /** Every collective listed in a {@code META-INF/services} file visible to {@code loader}. */
  public static PluginRegistry<CollectiveProvider> discover(ClassLoader loader) {
    return TYPE.discover(loader);
  }

  /**
   * Joins the job through the collective {@value #KEY} names, with the settings in {@code config}.
   *
   * @throws dev.alexnet4j.api.config.ConfigurationException naming {@value #KEY} when no collective
   *     visible to {@code loader} has that name, or the named one cannot run here
   */
  public static Collective open(Config config, ClassLoader loader) {
    return discover(loader).select(config).open(config);
  }
}
