package dev.alexnet4j.experiments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The edits the arms make to a model's layer list ({@code alexnet4j.models.<model>.layers} of the
 * model {@code alexnet4j.model} names), as config overrides: remove a layer type, swap one type for
 * another, set a key on every layer of a type, and the paper's one-tower net.
 */
final class LayerEdits {
  private static final String MODEL = "alexnet4j.model";

  private LayerEdits() {}

  /** The layer entries of the model the config chooses, as mutable maps in order. */
  static List<Map<String, Object>> layers(Config config) {
    List<Map<String, Object>> layers = new ArrayList<>();
    for (ConfigObject entry : config.getObjectList(layersPath(config))) {
      layers.add(new LinkedHashMap<>(entry.unwrapped()));
    }
    return layers;
  }

  /** {@code alexnet4j.models.<model>.layers} of the model the config chooses. */
  static String layersPath(Config config) {
    return "alexnet4j.models." + config.getString(MODEL) + ".layers";
  }

  /** An arm edit that replaces the model's layer list by {@code edit} of it. */
  static Arm.Edit layers(UnaryOperator<List<Map<String, Object>>> edit) {
    return base ->
        ConfigFactory.empty()
            .withValue(layersPath(base), ConfigValueFactory.fromIterable(edit.apply(layers(base))));
  }

  /** The base as it is. */
  static Arm.Edit none() {
    return base -> ConfigFactory.empty();
  }

  /** Fixed overrides, in HOCON. */
  static Arm.Edit set(String hocon) {
    Config overrides = ConfigFactory.parseString(hocon);
    return base -> overrides;
  }

  /** Every layer of {@code type} removed (e.g. {@code lrn}, {@code dropout}). */
  static UnaryOperator<List<Map<String, Object>>> remove(String type) {
    return layers ->
        new ArrayList<>(layers.stream().filter(l -> !type.equals(l.get("type"))).toList());
  }

  /**
   * Every layer of type {@code from} made a layer of type {@code to}; a name that starts with
   * {@code from} (relu1) is renamed to start with {@code to} (tanh1).
   */
  static UnaryOperator<List<Map<String, Object>>> replace(String from, String to) {
    return layers -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> l : layers) {
        Map<String, Object> copy = new LinkedHashMap<>(l);
        if (from.equals(copy.get("type"))) {
          copy.put("type", to);
          String name = String.valueOf(copy.get("name"));
          if (name.startsWith(from)) {
            copy.put("name", to + name.substring(from.length()));
          }
        }
        out.add(copy);
      }
      return out;
    };
  }

  /** {@code key = value} on every layer of {@code type}. */
  static UnaryOperator<List<Map<String, Object>>> setOn(String type, String key, Object value) {
    return layers -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> l : layers) {
        Map<String, Object> copy = new LinkedHashMap<>(l);
        if (type.equals(copy.get("type"))) {
          copy.put(key, value);
        }
        out.add(copy);
      }
      return out;
    };
  }

  /**
   * Every LRN layer replaced by the constant factor it applies to small activations, {@code
   * k^-beta} (its own k and beta, or those of {@code alexnet4j.layer-defaults.lrn}), as a layer of
   * type {@code scale} named {@code scaleN} for {@code lrnN}; {@link ScaleModule} is added to
   * {@code alexnet4j.modules}. With the paper's k = 2 and beta = 0.75, LRN divides every activation
   * by about 2^0.75 = 1.68 besides normalising it, and alexnet-small's initialisation counts on
   * that: removed outright, the net diverged or died at chance (measured, docs/EXPERIMENTS.md). So
   * the arms differ in the normalisation alone.
   */
  static Arm.Edit lrnAsConstantScale() {
    return base -> {
      Config defaults = base.getConfig("alexnet4j.layer-defaults.lrn");
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> l : layers(base)) {
        if (!"lrn".equals(l.get("type"))) {
          out.add(l);
          continue;
        }
        double k = number(l, "k", defaults);
        double beta = number(l, "beta", defaults);
        String name = String.valueOf(l.get("name"));
        Map<String, Object> scale = new LinkedHashMap<>();
        scale.put("name", name.startsWith("lrn") ? "scale" + name.substring(3) : name + "-scale");
        scale.put("type", ScaleLayer.TYPE);
        scale.put("factor", Math.pow(k, -beta));
        out.add(scale);
      }
      List<String> modules = new ArrayList<>(base.getStringList("alexnet4j.modules"));
      if (!modules.contains(ScaleModule.class.getName())) {
        modules.add(ScaleModule.class.getName());
      }
      return ConfigFactory.empty()
          .withValue(layersPath(base), ConfigValueFactory.fromIterable(out))
          .withValue("alexnet4j.modules", ConfigValueFactory.fromIterable(modules));
    };
  }

  private static double number(Map<String, Object> layer, String key, Config defaults) {
    Object v = layer.get(key);
    return v instanceof Number n ? n.doubleValue() : defaults.getDouble(key);
  }

  /**
   * The paper's one-GPU comparison net (Section 3.2 and its footnote): one tower (no grouped
   * convolution and no grouped LRN) with half the kernels in each convolutional layer but the last,
   * which keeps its kernels (as do the fully connected layers) so that both nets have about the
   * same number of parameters.
   */
  static UnaryOperator<List<Map<String, Object>>> oneTower() {
    return layers -> {
      int lastConv = -1;
      for (int i = 0; i < layers.size(); i++) {
        if ("conv".equals(layers.get(i).get("type"))) {
          lastConv = i;
        }
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        Map<String, Object> copy = new LinkedHashMap<>(layers.get(i));
        copy.remove("groups");
        if ("conv".equals(copy.get("type")) && i != lastConv) {
          int filters = ((Number) copy.get("filters")).intValue();
          if (filters % 2 != 0) {
            throw new IllegalArgumentException(
                "layer " + copy.get("name") + " has an odd number of filters (" + filters + ")");
          }
          copy.put("filters", filters / 2);
        }
        out.add(copy);
      }
      return out;
    };
  }

  /**
   * The model's output set to {@code classes}: the {@code units} of the last layer that has them.
   * Unchanged when it is already so.
   */
  static Config withClasses(Config config, int classes) {
    List<Map<String, Object>> layers = layers(config);
    for (int i = layers.size() - 1; i >= 0; i--) {
      Object units = layers.get(i).get("units");
      if (units instanceof Number n) {
        if (n.intValue() == classes) {
          return config;
        }
        layers.get(i).put("units", classes);
        return config.withValue(layersPath(config), ConfigValueFactory.fromIterable(layers));
      }
    }
    throw new IllegalArgumentException(
        "the model " + config.getString(MODEL) + " has no layer with units to set to " + classes);
  }
}
