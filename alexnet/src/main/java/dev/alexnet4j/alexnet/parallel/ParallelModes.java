package dev.alexnet4j.alexnet.parallel;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.PluginRegistry;
import dev.alexnet4j.api.config.PluginType;

/**
 * The parallel modes: {@link ParallelMode}s listed in {@code META-INF/services}, chosen by {@value
 * #KEY}, found and chosen as backends and collectives are.
 */
public final class ParallelModes {
  public static final String KEY = "alexnet4j.parallel";

  public static final PluginType<ParallelMode> TYPE =
      PluginType.of(ParallelMode.class, KEY, "parallel mode", ParallelMode::name);

  private ParallelModes() {}

  /** Every mode listed in a {@code META-INF/services} file visible to {@code loader}. */
  public static PluginRegistry<ParallelMode> discover(ClassLoader loader) {
    return TYPE.discover(loader);
  }

  /**
   * The mode {@value #KEY} names, among those the context class loader sees (which, on the command
   * line, includes the plug-in jars).
   *
   * @throws dev.alexnet4j.api.config.ConfigurationException naming {@value #KEY}, the unknown name
   *     and the known ones
   */
  public static ParallelMode from(Config config) {
    return discover(Thread.currentThread().getContextClassLoader()).select(config);
  }

  /** The mode called {@code name}, as {@link #from} finds it. */
  public static ParallelMode named(String name) {
    return discover(Thread.currentThread().getContextClassLoader()).select(name);
  }
}
