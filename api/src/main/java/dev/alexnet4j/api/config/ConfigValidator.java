package dev.alexnet4j.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects what Typesafe Config lets through: keys that no {@code reference.conf} declares (a
 * misspelling would otherwise be ignored silently) and values of the wrong type.
 *
 * <p>Subtrees declared {@code null} in a reference, {@code alexnet4j.layer-defaults} and {@code
 * alexnet4j.models}, which modules and users extend with their own layer types and networks, are
 * open: their contents are validated by whoever reads them (the network parser).
 */
public final class ConfigValidator {
  private static final String ROOT = "alexnet4j";
  // Subtrees that modules and users extend with entries of their own.
  private static final java.util.Set<String> OPEN =
      java.util.Set.of(ROOT + ".layer-defaults", ROOT + ".models");

  private ConfigValidator() {}

  /**
   * @param config the effective config (user layers over the references)
   * @param reference every {@code reference.conf} on the class path, merged
   */
  public static void validate(Config config, Config reference) {
    if (!config.hasPath(ROOT)) {
      throw new ConfigurationException(ROOT, "missing: no reference.conf of alexnet4j was loaded");
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig(ROOT).entrySet()) {
      String path = ROOT + "." + e.getKey();
      if (!declared(path, reference)) {
        throw new ConfigurationException(
            path, "unknown key" + suggestion(path, reference) + " (see reference.conf)");
      }
      checkScalarType(config, reference, path);
    }
    try {
      config.checkValid(reference, ROOT);
    } catch (ConfigException.ValidationFailed failed) {
      ConfigException.ValidationProblem first = failed.problems().iterator().next();
      throw new ConfigurationException(first.path(), first.problem(), failed);
    }
  }

  // checkValid accepts a string wherever a number or boolean is declared (it could parse), so a
  // value such as "forty-two" would only fail when first read; read it now instead.
  private static void checkScalarType(Config config, Config reference, String path) {
    if (!reference.hasPath(path)) {
      return;
    }
    ConfigValueType expected = reference.getValue(path).valueType();
    try {
      if (expected == ConfigValueType.NUMBER) {
        config.getNumber(path);
      } else if (expected == ConfigValueType.BOOLEAN) {
        config.getBoolean(path);
      }
    } catch (ConfigException.WrongType e) {
      throw new ConfigurationException(
          path,
          "expected "
              + (expected == ConfigValueType.NUMBER ? "a number" : "true or false")
              + ", got "
              + config.getValue(path).render(ConfigRenderOptions.concise()),
          e);
    }
  }

  private static boolean declared(String path, Config reference) {
    if (reference.hasPathOrNull(path)) {
      return true;
    }
    // Walk up: a null or layer-defaults ancestor opens its subtree.
    String p = path;
    int dot;
    while ((dot = p.lastIndexOf('.')) > 0) {
      p = p.substring(0, dot);
      if (OPEN.contains(p)) {
        return true;
      }
      if (reference.hasPathOrNull(p)) {
        return reference.getIsNull(p)
            || reference.getValue(p).valueType() != ConfigValueType.OBJECT;
      }
    }
    return false;
  }

  private static String suggestion(String path, Config reference) {
    int dot = path.lastIndexOf('.');
    String parent = path.substring(0, dot);
    String leaf = path.substring(dot + 1);
    if (!reference.hasPath(parent)) {
      return "";
    }
    Set<String> siblings = new TreeSet<>(reference.getObject(parent).keySet());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String s : siblings) {
      int d = editDistance(leaf, s);
      if (d < bestDistance) {
        bestDistance = d;
        best = s;
      }
    }
    String allowed = " (allowed under " + parent + ": " + String.join(", ", siblings) + ")";
    if (best != null && bestDistance <= Math.max(2, leaf.length() / 3)) {
      return "; did you mean '" + best + "'?" + allowed;
    }
    return allowed;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
