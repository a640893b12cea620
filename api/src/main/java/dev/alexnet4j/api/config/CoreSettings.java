package dev.alexnet4j.api.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * The core keys under {@code alexnet4j}, read and checked once at start-up.
 *
 * @param backend the backend's name ({@code alexnet4j.backend})
 * @param modules class names of extra Guice modules ({@code alexnet4j.modules})
 * @param seed the run's seed ({@code alexnet4j.seed})
 */
public record CoreSettings(String backend, List<String> modules, long seed) {
  public CoreSettings {
    modules = List.copyOf(modules);
  }

  public static CoreSettings from(Config config) {
    ConfigValues v = new ConfigValues(config.getConfig("alexnet4j"), "alexnet4j");
    String backend = v.string("backend");
    if (backend.isBlank()) {
      throw new ConfigurationException(v.path("backend"), "must name a backend, e.g. nd4j");
    }
    return new CoreSettings(backend, v.strings("modules"), v.longValue("seed"));
  }
}
