package dev.alexnet4j.api;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.BackendProvider;
import dev.alexnet4j.api.config.BackendRegistry;
import dev.alexnet4j.api.config.ConfigValidator;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.device.DeviceSettings;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one entry point: from a {@link Config} to an injector holding the core module, the backend
 * named by {@code alexnet4j.backend} and the modules listed in {@code alexnet4j.modules}.
 *
 * <pre>{@code
 * Injector injector = Alexnet4j.createInjector(Alexnet4j.loadConfig());
 * Backend backend = injector.getInstance(Backend.class);
 * NetworkSpec net = injector.getInstance(NetworkParser.class).parse();
 * }</pre>
 *
 * Everything that is wrong with the config fails here, as a one-line {@link ConfigurationException}
 * naming the key.
 */
public final class Alexnet4j {
  private Alexnet4j() {}

  /**
   * {@code application.conf} and {@code -D} system properties over every {@code reference.conf}.
   */
  public static Config loadConfig() {
    return ConfigFactory.load();
  }

  /** A config text (HOCON) over every {@code reference.conf} on the class path. */
  public static Config loadConfig(String hocon) {
    try {
      // Unresolved, so that a user's value reaches the references' substitutions (such as
      // ${alexnet4j.alexnet.classes} inside a model), as ConfigFactory.load() does it.
      return ConfigFactory.parseString(hocon)
          .withFallback(ConfigFactory.defaultReferenceUnresolved())
          .resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException("config", e.getMessage(), e);
    }
  }

  /**
   * The command line's layering: {@code overrides} over JVM system properties, over {@code file}
   * (if given), over every {@code reference.conf}.
   *
   * @throws ConfigurationException naming the file or key that cannot be parsed
   */
  public static Config loadConfig(java.nio.file.Path file, Config overrides) {
    Config layered = overrides.withFallback(ConfigFactory.systemProperties());
    if (file != null) {
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new ConfigurationException(
            file.toString(), "config file does not exist (or is not a file)");
      }
      try {
        layered =
            layered.withFallback(
                ConfigFactory.parseFile(
                    file.toFile(),
                    com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false)));
      } catch (ConfigException e) {
        throw new ConfigurationException(file.toString(), "cannot parse: " + e.getMessage(), e);
      }
    }
    try {
      return layered.withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException("config", e.getMessage(), e);
    }
  }

  /**
   * {@code key=value} settings as a config; each value is read as HOCON ({@code 0.01}, {@code [0,
   * 1]}, a word) and taken as a plain string when it is not.
   */
  public static Config parseOverrides(java.util.Map<String, String> settings) {
    Config config = ConfigFactory.empty();
    for (var e : settings.entrySet()) {
      config = config.withFallback(parseOverride(e.getKey(), e.getValue()));
    }
    return config;
  }

  private static Config parseOverride(String key, String value) {
    try {
      return ConfigFactory.parseString(key + " = " + value);
    } catch (ConfigException notHocon) {
      // A value such as a path with colons is not HOCON; take it as a plain string.
      return ConfigFactory.empty()
          .withValue(key, com.typesafe.config.ConfigValueFactory.fromAnyRef(value));
    }
  }

  public static Injector createInjector(Config config) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    ConfigValidator.validate(config, ConfigFactory.defaultReference(loader));
    CoreSettings settings = CoreSettings.from(config);
    // The list's form fails here; whether each device exists is known once the backend is built
    // (DeviceSettings.resolve).
    DeviceSettings.from(config);
    BackendProvider backend = BackendRegistry.discover(loader).select(settings.backend());
    List<Module> modules = new ArrayList<>();
    modules.add(new CoreModule(config, settings));
    modules.add(backend.module());
    for (int i = 0; i < settings.modules().size(); i++) {
      modules.add(instantiate(settings.modules().get(i), "alexnet4j.modules[" + i + "]", loader));
    }
    return Guice.createInjector(Stage.PRODUCTION, modules);
  }

  private static Module instantiate(String className, String path, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigurationException(
          path, "class '" + className + "' was not found on the class path", e);
    }
    if (!Module.class.isAssignableFrom(type)) {
      throw new ConfigurationException(
          path, "class '" + className + "' is not a Guice module (com.google.inject.Module)");
    }
    try {
      return (Module) type.getDeclaredConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new ConfigurationException(
          path, "module '" + className + "' needs a public no-argument constructor", e);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new ConfigurationException(
          path, "module '" + className + "' could not be created: " + e, e);
    }
  }
}
