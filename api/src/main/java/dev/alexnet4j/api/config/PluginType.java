package dev.alexnet4j.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import dev.alexnet4j.api.backend.Availability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of plug-in chosen by name in config: the interface its implementations are listed under
 * in {@code META-INF/services} (found by {@link java.util.ServiceLoader}, so a jar on the class
 * path adds one), the config key that names the one to use, and how to ask an implementation its
 * name and whether it can run here. Backends ({@link Backends#TYPE}), collectives ({@code
 * Collectives.TYPE}) and parallel modes ({@code ParallelModes.TYPE}, in the alexnet module) are
 * such kinds, each one constant of this type, all found and chosen by one {@link PluginRegistry}.
 *
 * <p>Immutable: the {@code with...} methods return a copy.
 *
 * @param <T> the service interface
 */
public final class PluginType<T> {
  private static final Logger log = LoggerFactory.getLogger(PluginType.class);

  private final Class<T> service;
  private final String key;
  private final String noun;
  private final Function<? super T, String> nameOf;
  private final Function<? super T, Availability> availabilityOf;
  // Names users know that come with a module of their own, so that a missing module is named.
  private final Map<String, String> modules;
  private final List<String> oldKeys;

  private PluginType(
      Class<T> service,
      String key,
      String noun,
      Function<? super T, String> nameOf,
      Function<? super T, Availability> availabilityOf,
      Map<String, String> modules,
      List<String> oldKeys) {
    this.service = Objects.requireNonNull(service);
    this.key = Objects.requireNonNull(key);
    this.noun = Objects.requireNonNull(noun);
    this.nameOf = Objects.requireNonNull(nameOf);
    this.availabilityOf = Objects.requireNonNull(availabilityOf);
    this.modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    this.oldKeys = List.copyOf(oldKeys);
  }

  /**
   * A kind whose implementations can always run.
   *
   * @param key the config key whose value names the one to use, e.g. {@code alexnet4j.backend}
   * @param noun what one is called in messages, e.g. {@code backend}
   */
  public static <T> PluginType<T> of(
      Class<T> service, String key, String noun, Function<? super T, String> nameOf) {
    return new PluginType<>(
        service, key, noun, nameOf, p -> Availability.yes(), Map.of(), List.of());
  }

  /** The same kind, whose implementations say whether they can run here (a library, a GPU). */
  public PluginType<T> withAvailability(Function<? super T, Availability> availability) {
    return new PluginType<>(service, key, noun, nameOf, availability, modules, oldKeys);
  }

  /**
   * The same kind, knowing that {@code names} come with the module {@code artifact}: choosing one
   * of them when that module is not on the class path says which module to add.
   */
  public PluginType<T> withModule(String artifact, String... names) {
    Map<String, String> more = new LinkedHashMap<>(modules);
    for (String name : names) {
      more.put(name, artifact);
    }
    return new PluginType<>(service, key, noun, nameOf, availabilityOf, more, oldKeys);
  }

  /**
   * The same kind, whose key was once called {@code oldKey}: a config that still sets it keeps
   * working, with a warning. The old key must stay declared ({@code = null}) in the {@code
   * reference.conf} that declared it, or the config validator rejects it as unknown.
   */
  public PluginType<T> withOldKey(String oldKey) {
    List<String> more = new ArrayList<>(oldKeys);
    more.add(oldKey);
    return new PluginType<>(service, key, noun, nameOf, availabilityOf, modules, more);
  }

  public Class<T> service() {
    return service;
  }

  /** The config key that names the one to use. */
  public String key() {
    return key;
  }

  /** What one is called in messages. */
  public String noun() {
    return noun;
  }

  public List<String> oldKeys() {
    return oldKeys;
  }

  String nameOf(T plugin) {
    return nameOf.apply(plugin);
  }

  Availability availabilityOf(T plugin) {
    return availabilityOf.apply(plugin);
  }

  /** The module that brings the plug-in called {@code name}, where one is known. */
  Optional<String> moduleOf(String name) {
    return Optional.ofNullable(modules.get(name));
  }

  /** The first module {@link #withModule} named, for a registry that found none at all. */
  Optional<String> firstModule() {
    return modules.values().stream().findFirst();
  }

  /** Every implementation listed in a {@code META-INF/services} file visible to {@code loader}. */
  public PluginRegistry<T> discover(ClassLoader loader) {
    return PluginRegistry.discover(this, loader);
  }

  /**
   * The name {@code config} chooses: the value of {@link #key()}, or of an old key where a config
   * still sets that (with a warning naming both).
   *
   * @throws ConfigurationException when the old and the new key are both set, to different names
   */
  public String chosenIn(Config config) {
    for (String old : oldKeys) {
      if (!config.hasPath(old)) {
        continue;
      }
      String value = nameAt(config, old);
      if (setOutsideReference(config, key) && !nameAt(config, key).equals(value)) {
        throw new ConfigurationException(
            old,
            "is the old name of "
                + key
                + ", which is set too (to '"
                + nameAt(config, key)
                + "', here '"
                + value
                + "'); keep only "
                + key);
      }
      log.warn("{} is the old name of {}; it still works, but rename it", old, key);
      return value;
    }
    return nameAt(config, key);
  }

  // One line naming the key, not Typesafe Config's exception, where the value is not a name.
  private static String nameAt(Config config, String path) {
    try {
      return config.getString(path);
    } catch (ConfigException.Missing e) {
      throw new ConfigurationException(
          path, "not set, and no reference.conf on the class path declares it", e);
    } catch (ConfigException e) {
      throw new ConfigurationException(
          path,
          "expected a name, got " + config.getValue(path).render(ConfigRenderOptions.concise()),
          e);
    }
  }

  // A value a user set, as opposed to the default its reference.conf declares.
  private static boolean setOutsideReference(Config config, String path) {
    if (!config.hasPath(path)) {
      return false;
    }
    String resource = config.getValue(path).origin().resource();
    return resource == null || !resource.endsWith("reference.conf");
  }

  @Override
  public String toString() {
    return noun + " (" + key + ", " + service.getName() + ")";
  }
}
