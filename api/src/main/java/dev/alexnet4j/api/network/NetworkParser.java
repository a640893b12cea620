package dev.alexnet4j.api.network;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.tensor.Shape;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a network declared in HOCON, as Caffe reads a prototxt:
 *
 * <pre>
 * network {
 *   input = [3, 227, 227]            # C, H, W of one sample
 *   layers = [
 *     { name = conv1, type = conv, filters = 96, kernel = 11, stride = 4 }
 *     { name = relu1, type = relu }
 *     ...
 *   ]
 * }
 * </pre>
 *
 * Each entry's {@code type} is looked up among the registered {@link LayerFactory}s; its other keys
 * must be keys of {@code alexnet4j.layer-defaults.<type>}, over which it is merged (a default of
 * {@code null} marks a required key). Every shape is checked here, before anything is allocated.
 */
public final class NetworkParser {
  private static final String DEFAULTS = "alexnet4j.layer-defaults";
  private static final String MODEL = "alexnet4j.model";
  private static final String MODELS = "alexnet4j.models";
  private static final Set<String> ENTRY_KEYS = Set.of("name", "type");

  private final Map<String, LayerFactory> factories;
  private final Config config;

  @Inject
  public NetworkParser(Map<String, LayerFactory> factories, Config config) {
    this.factories = Map.copyOf(factories);
    this.config = config;
  }

  /** The network named by {@code alexnet4j.model}, declared under {@code alexnet4j.models}. */
  public NetworkSpec parse() {
    String known = String.join(", ", new TreeSet<>(config.getObject(MODELS).keySet()));
    if (!config.hasPath(MODEL)) {
      throw new ConfigurationException(
          MODEL, "no model chosen (known models: " + (known.isEmpty() ? "none" : known) + ")");
    }
    String model = new ConfigValues(config, "").string(MODEL);
    if (!config.hasPath(MODELS + "." + model)) {
      throw new ConfigurationException(
          MODEL, "unknown model '" + model + "' (known models: " + known + ")");
    }
    return parse(config, MODELS + "." + model);
  }

  /** The network declared at {@code path} of {@code source}. */
  public NetworkSpec parse(Config source, String path) {
    if (!source.hasPath(path)) {
      throw new ConfigurationException(path, "no network is declared here");
    }
    Config block;
    try {
      block = source.getConfig(path);
    } catch (ConfigException.WrongType e) {
      throw new ConfigurationException(path, "must be an object with 'input' and 'layers'", e);
    }
    ConfigValues values = new ConfigValues(block, path);
    List<Integer> dims = values.integers("input");
    if (dims.size() != 3 || dims.stream().anyMatch(d -> d <= 0)) {
      throw new ConfigurationException(
          values.path("input"), "must be [channels, height, width] of positive sizes, got " + dims);
    }
    Shape input = Shape.of(dims.get(0), dims.get(1), dims.get(2));
    List<? extends ConfigValue> entries;
    try {
      entries = block.getList("layers");
    } catch (ConfigException e) {
      throw new ConfigurationException(values.path("layers"), "must be a list of layer entries", e);
    }
    if (entries.isEmpty()) {
      throw new ConfigurationException(values.path("layers"), "declares no layers");
    }
    List<LayerSpec> layers = new ArrayList<>(entries.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String entryPath = path + ".layers[" + i + "]";
      LayerSpec spec = layer(entries.get(i), entryPath);
      if (!names.add(spec.name())) {
        throw new ConfigurationException(
            entryPath, "layer name '" + spec.name() + "' is used twice; names must be unique");
      }
      if (spec.isLoss() && i != entries.size() - 1) {
        throw new ConfigurationException(
            entryPath, "loss layer '" + spec.name() + "' must be the last layer");
      }
      layers.add(spec);
    }
    NetworkSpec network = new NetworkSpec(input, layers);
    checkShapes(network, path);
    return network;
  }

  private LayerSpec layer(ConfigValue value, String path) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigurationException(path, "must be an object { name, type, ... }");
    }
    Config entry = ((ConfigObject) value).toConfig();
    ConfigValues values = new ConfigValues(entry, path);
    String name = values.string("name");
    String type = values.string("type");
    LayerFactory factory = factories.get(type);
    if (factory == null) {
      throw new ConfigurationException(
          path + ".type",
          "unknown layer type '"
              + type
              + "' in layer '"
              + name
              + "' (known types: "
              + String.join(", ", new TreeSet<>(factories.keySet()))
              + "); add the module that defines it to alexnet4j.modules");
    }
    Config defaults =
        config.hasPath(DEFAULTS + "." + type)
            ? config.getConfig(DEFAULTS + "." + type)
            : ConfigFactory.empty();
    Set<String> allowed = new TreeSet<>(defaults.root().keySet());
    for (String key : entry.root().keySet()) {
      if (!ENTRY_KEYS.contains(key) && !allowed.contains(key)) {
        throw new ConfigurationException(
            path + "." + key,
            "unknown key in layer '"
                + name
                + "' of type "
                + type
                + " (allowed: name, type"
                + (allowed.isEmpty() ? "" : ", " + String.join(", ", allowed))
                + ")");
      }
    }
    return factory.create(new LayerDeclaration(name, type, path, entry.withFallback(defaults)));
  }

  private static void checkShapes(NetworkSpec network, String path) {
    // Batch 1 stands for any batch: no layer's shape rule depends on the batch size.
    Shape shape = network.input().batchOf(1);
    List<LayerSpec> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      try {
        layer.parameters(shape);
        shape = layer.outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            path + ".layers[" + i + "]",
            "layer '"
                + layer.name()
                + "' ("
                + layer.type()
                + ") cannot take input "
                + shape.sample()
                + ": "
                + e.getMessage());
      }
    }
  }
}
