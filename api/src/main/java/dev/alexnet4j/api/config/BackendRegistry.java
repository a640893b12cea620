package dev.alexnet4j.api.config;

import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends on the class path, found with {@link ServiceLoader}. */
public final class BackendRegistry {
  private final Map<String, BackendProvider> providers;

  public BackendRegistry(Iterable<BackendProvider> providers) {
    Map<String, BackendProvider> byName = new TreeMap<>();
    for (BackendProvider p : providers) {
      BackendProvider previous = byName.put(p.name(), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two backends are named '"
                + p.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName());
      }
    }
    this.providers = byName;
  }

  /** Every provider listed in a {@code META-INF/services} file visible to {@code loader}. */
  public static BackendRegistry discover(ClassLoader loader) {
    List<BackendProvider> found = new ArrayList<>();
    ServiceLoader.load(BackendProvider.class, loader).forEach(found::add);
    return new BackendRegistry(found);
  }

  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /** Every provider found, by name. */
  public List<BackendProvider> providers() {
    return List.copyOf(providers.values());
  }

  /**
   * The named backend, if it can run here.
   *
   * @throws ConfigurationException naming {@code alexnet4j.backend}, the known backends, or why the
   *     chosen one cannot run
   */
  public BackendProvider select(String name) {
    BackendProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigurationException(
          "alexnet4j.backend",
          "unknown backend '"
              + name
              + "' (known: "
              + (providers.isEmpty()
                  ? "none; add a backend module such as alexnet4j-backend-nd4j to the class path"
                  : String.join(", ", providers.keySet()))
              + ")");
    }
    Availability availability = provider.availability();
    if (!availability.available()) {
      throw new ConfigurationException(
          "alexnet4j.backend", "backend '" + name + "' cannot run here: " + availability.reason());
    }
    return provider;
  }
}
