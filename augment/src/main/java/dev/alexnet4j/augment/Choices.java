package dev.alexnet4j.augment;

import dev.alexnet4j.api.config.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/** Config values that name one of an enum's constants, spelled as in the config. */
final class Choices {
  private Choices() {}

  /** An enum constant's spelling in the config: lower case, hyphens for underscores. */
  static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  static <E extends Enum<E>> E parse(Class<E> type, String value, String path) {
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      if (configName(constant).equals(value)) {
        return constant;
      }
      allowed.add(configName(constant));
    }
    throw new ConfigurationException(path, "'" + value + "' is not one of " + allowed);
  }
}
