package dev.alexnet4j.api.layer;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.List;

/**
 * One {@code { name, type, ... }} entry of a network's layer list, merged over the defaults of its
 * type ({@code alexnet4j.layer-defaults.<type>}). Its getters fail with the layer's config path and
 * name, e.g. {@code alexnet4j.models.alexnet.layers[3] (conv2).kernel: expected an integer, got
 * string "five"}.
 */
public final class LayerDeclaration {
  private final String name;
  private final String type;
  private final String path;
  private final Config config;
  private final ConfigValues values;

  public LayerDeclaration(String name, String type, String path, Config config) {
    this.name = name;
    this.type = type;
    this.path = path;
    this.config = config;
    this.values = new ConfigValues(config, path + " (" + name + ")");
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  /** Where it was declared, e.g. {@code alexnet4j.models.alexnet.layers[3]}. */
  public String path() {
    return path;
  }

  /** The merged entry, for factories that read structured values themselves. */
  public Config config() {
    return config;
  }

  public int integer(String key) {
    return values.integer(key);
  }

  public int positive(String key) {
    return values.positive(key);
  }

  public int nonNegative(String key) {
    return values.nonNegative(key);
  }

  public double number(String key) {
    return values.number(key);
  }

  public boolean bool(String key) {
    return values.bool(key);
  }

  public String string(String key) {
    return values.string(key);
  }

  public List<Integer> integers(String key) {
    return values.integers(key);
  }

  /** An error about this layer, with its path and name. */
  public ConfigurationException error(String key, String problem) {
    return new ConfigurationException(values.path(key), problem);
  }

  /** An error about this layer as a whole. */
  public ConfigurationException error(String problem) {
    return new ConfigurationException(path + " (" + name + ")", problem);
  }
}
