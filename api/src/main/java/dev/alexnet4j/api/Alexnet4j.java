package dev.alexnet4j.api;

import com.google.inject.Binding;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinderBinding;
import com.google.inject.multibindings.MultibinderBinding;
import com.google.inject.multibindings.MultibindingsTargetVisitor;
import com.google.inject.multibindings.OptionalBinderBinding;
import com.google.inject.spi.DefaultBindingTargetVisitor;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.BackendProvider;
import dev.alexnet4j.api.config.Backends;
import dev.alexnet4j.api.config.ConfigValidator;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.config.CoreModule;
import dev.alexnet4j.api.config.CoreSettings;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerTypes;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    BackendProvider backend = Backends.discover(loader).select(config);
    List<Module> modules = new ArrayList<>();
    List<String> names = new ArrayList<>();
    modules.add(new CoreModule(config, settings));
    names.add("the core module (" + CoreModule.class.getName() + ")");
    modules.add(backend.module());
    names.add("backend " + backend.name() + " (" + backend.module().getClass().getName() + ")");
    for (int i = 0; i < settings.modules().size(); i++) {
      String path = "alexnet4j.modules[" + i + "]";
      modules.add(instantiate(settings.modules().get(i), path, loader));
      names.add(settings.modules().get(i) + " (" + path + ")");
    }
    checkLayerTypes(modules, names);
    return Guice.createInjector(Stage.PRODUCTION, modules);
  }

  /**
   * Fails with one line naming both modules when two register the same layer type, which Guice
   * would report as a many-line {@link com.google.inject.CreationException} naming neither. A layer
   * type is an entry of the {@link LayerTypes} map binder, read from each module's elements.
   */
  private static void checkLayerTypes(List<Module> modules, List<String> names) {
    Map<Object, String> owners = new HashMap<>();
    for (int i = 0; i < modules.size(); i++) {
      List<Element> elements;
      try {
        elements = Elements.getElements(Stage.TOOL, modules.get(i));
      } catch (RuntimeException e) {
        return; // a module that cannot even be listed fails in Guice, with its own message
      }
      Set<Object> own = new HashSet<>();
      for (Object type : layerTypes(elements)) {
        if (!own.add(type)) {
          continue;
        }
        String before = owners.putIfAbsent(type, names.get(i));
        if (before != null) {
          throw new ConfigurationException(
              "alexnet4j.modules",
              "layer type '"
                  + type
                  + "' is registered twice: by "
                  + before
                  + " and by "
                  + names.get(i)
                  + "; give one of them another name");
        }
      }
    }
  }

  /** The keys a module's elements add to the {@link LayerTypes} map binder. */
  private static List<Object> layerTypes(List<Element> elements) {
    List<Object> types = new ArrayList<>();
    MapBindings maps = new MapBindings();
    for (Element element : elements) {
      if (element instanceof Binding<?> binding
          && binding.acceptTargetVisitor(maps) != null
          && binding.acceptTargetVisitor(maps).getValueTypeLiteral().getRawType()
              == LayerFactory.class) {
        for (Map.Entry<?, Binding<?>> entry :
            binding.acceptTargetVisitor(maps).getEntries(elements)) {
          types.add(entry.getKey());
        }
      }
    }
    return types;
  }

  /** Picks out map binders' own bindings; null for every other binding. */
  private static final class MapBindings
      extends DefaultBindingTargetVisitor<Object, MapBinderBinding<?>>
      implements MultibindingsTargetVisitor<Object, MapBinderBinding<?>> {
    @Override
    public MapBinderBinding<?> visit(MultibinderBinding<? extends Object> multibinding) {
      return null;
    }

    @Override
    public MapBinderBinding<?> visit(MapBinderBinding<? extends Object> mapbinding) {
      return mapbinding;
    }

    @Override
    public MapBinderBinding<?> visit(OptionalBinderBinding<? extends Object> optionalbinding) {
      return null;
    }
  }

  private static Module instantiate(String className, String path, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigurationException(
          path,
          "class '"
              + className
              + "' was not found on the class path (from the command line, put its jar in"
              + " ~/.alexnet4j/plugins or name it in ALEXNET4J_PLUGINS or --plugins;"
              + " docs/EXTENDING.md)",
          e);
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
