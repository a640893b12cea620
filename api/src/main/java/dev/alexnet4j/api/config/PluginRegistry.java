package dev.alexnet4j.api.config;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The plug-ins of one {@link PluginType} that this process can choose from, by name: the one way
 * backends, collectives and parallel modes are found and chosen. Adding one is a class and a line
 * in its jar's {@code META-INF/services} file, never an edit of a list here.
 *
 * @param <T> the service interface
 */
public final class PluginRegistry<T> {
  private final PluginType<T> type;
  private final Map<String, T> byName;

  /**
   * @throws IllegalStateException when two plug-ins have one name, which would make the choice
   *     depend on the class path's order
   */
  public PluginRegistry(PluginType<T> type, Iterable<? extends T> plugins) {
    this.type = type;
    Map<String, T> names = new TreeMap<>();
    for (T p : plugins) {
      T previous = names.put(type.nameOf(p), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two "
                + type.noun()
                + "s are named '"
                + type.nameOf(p)
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; remove one of them from the class path");
      }
    }
    this.byName = names;
  }

  /** Every implementation listed in a {@code META-INF/services} file visible to {@code loader}. */
  public static <T> PluginRegistry<T> discover(PluginType<T> type, ClassLoader loader) {
    List<T> found = new ArrayList<>();
    ServiceLoader.load(type.service(), loader).forEach(found::add);
    return new PluginRegistry<>(type, found);
  }

  public PluginType<T> type() {
    return type;
  }

  /** The known names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every plug-in found, by name. */
  public List<T> plugins() {
    return List.copyOf(byName.values());
  }

  /** The plug-in {@code config} chooses with the type's key (or an old name of it). */
  public T select(Config config) {
    return select(type.chosenIn(config));
  }

  /**
   * The named plug-in, if it can run here.
   *
   * @throws ConfigurationException naming the type's key: the unknown name with the known ones (and
   *     the module to add, where the name is one that comes with a module), or why the named one
   *     cannot run here
   */
  public T select(String name) {
    T plugin = byName.get(name);
    if (plugin == null) {
      throw new ConfigurationException(type.key(), unknown(name));
    }
    Availability availability = type.availabilityOf(plugin);
    if (!availability.available()) {
      throw new ConfigurationException(
          type.key(), type.noun() + " '" + name + "' cannot run here: " + availability.reason());
    }
    return plugin;
  }

  private String unknown(String name) {
    String known = byName.isEmpty() ? "none" : String.join(", ", byName.keySet());
    String message = "unknown " + type.noun() + " '" + name + "' (known: " + known + ")";
    Optional<String> module = type.moduleOf(name);
    if (module.isPresent()) {
      return message + "; '" + name + "' comes with " + module.get() + ": add it to the class path";
    }
    if (byName.isEmpty() && type.firstModule().isPresent()) {
      return message
          + "; add a module that brings one, such as "
          + type.firstModule().get()
          + ", to the class path";
    }
    return message;
  }
}
