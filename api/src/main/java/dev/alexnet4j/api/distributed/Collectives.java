package dev.alexnet4j.api.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The collectives this process can choose from, by name: {@code local} always, plus every {@link
 * CollectiveProvider} listed in a {@code META-INF/services} file (the {@code distributed} module
 * lists {@code mpi} and {@code nccl}).
 */
public final class Collectives {
  /** What the user sets to choose one; errors name it so they point at the flag to change. */
  public static final String SELECTOR = "--dist";

  private final Map<String, CollectiveProvider> providers;

  /** {@code local} plus {@code found}; two providers of one name are an error. */
  public Collectives(Iterable<CollectiveProvider> found) {
    Map<String, CollectiveProvider> byName = new TreeMap<>();
    byName.put(LocalCollective.NAME, new LocalCollectiveProvider());
    for (CollectiveProvider p : found) {
      CollectiveProvider previous = byName.put(p.name(), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two collectives are named '"
                + p.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; remove one of them from the class path");
      }
    }
    this.providers = byName;
  }

  /** {@code local} plus every provider visible to {@code loader}. */
  public static Collectives discover(ClassLoader loader) {
    List<CollectiveProvider> found = new ArrayList<>();
    ServiceLoader.load(CollectiveProvider.class, loader).forEach(found::add);
    return new Collectives(found);
  }

  /** The known names, sorted. */
  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /**
   * The named provider, if it can run here.
   *
   * @throws ConfigurationException naming {@value #SELECTOR} and the known names when none has that
   *     name, or the provider's reason when it cannot run here
   */
  public CollectiveProvider select(String name) {
    CollectiveProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigurationException(
          SELECTOR,
          "unknown collective '"
              + name
              + "' (known: "
              + String.join(", ", providers.keySet())
              + (providers.size() == 1
                  ? "; add the alexnet4j-distributed module to the class path for mpi and nccl"
                  : "")
              + ")");
    }
    Availability availability = provider.availability();
    if (!availability.available()) {
      throw new ConfigurationException(
          SELECTOR, "collective '" + name + "' cannot run here: " + availability.reason());
    }
    return provider;
  }

  /** Joins the job through the named collective, reading its settings from {@code config}. */
  public Collective open(String name, Config config) {
    return select(name).open(config);
  }
}
