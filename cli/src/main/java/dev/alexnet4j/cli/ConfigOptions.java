package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command shares: a config file, {@code -Dkey=value} for any key, and the backend
 * and seed. An option overrides the file; {@code -D} overrides both.
 */
final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON config layered over the modules' reference.conf.")
  Path configFile;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      description = "Set any config key, e.g. -Dalexnet4j.train.momentum=0.95 (value is HOCON).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      description = "Compute backend (alexnet4j.backend): nd4j or cudnn.")
  String backend;

  @Option(names = "--seed", description = "Seed of every random draw (alexnet4j.seed).")
  Long seed;

  /** The effective config: {@code -D} over {@code typed} over the options here over the file. */
  Config load(Map<String, Object> typed) {
    return Alexnet4j.loadConfig(configFile, commandLine(typed));
  }

  /**
   * What this command line sets, over {@code base} (the config a checkpoint was trained with), over
   * the references: an evaluation runs the network as it was trained unless told otherwise.
   */
  Config loadOver(Config base, Map<String, Object> typed) {
    Config own = commandLine(typed);
    if (configFile != null) {
      own = own.withFallback(ConfigFactory.parseFile(configFile.toFile()));
    }
    return Alexnet4j.loadConfig(null, own.withFallback(base));
  }

  /**
   * What the command line and the config file set, unresolved and without the references: {@code
   * -D} and the options here over JVM system properties over the file. For a command that lays its
   * own defaults under it and its own overrides over it (experiment).
   */
  Config userLayer() {
    Config own = commandLine(Map.of()).withFallback(ConfigFactory.systemProperties());
    if (configFile == null) {
      return own;
    }
    if (!Files.isRegularFile(configFile)) {
      throw new ConfigurationException(
          configFile.toString(), "config file does not exist (or is not a file)");
    }
    try {
      return own.withFallback(
          ConfigFactory.parseFile(
              configFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
    } catch (ConfigException e) {
      throw new ConfigurationException(configFile.toString(), "cannot parse: " + e.getMessage(), e);
    }
  }

  private Config commandLine(Map<String, Object> typed) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (backend != null) {
      values.put("alexnet4j.backend", backend);
    }
    if (seed != null) {
      values.put("alexnet4j.seed", seed);
    }
    values.putAll(typed);
    // Typed values (paths, numbers) are set as values, never parsed: a path is not HOCON.
    Config options = ConfigFactory.empty();
    for (var e : values.entrySet()) {
      options = options.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return Alexnet4j.parseOverrides(settings).withFallback(options);
  }
}
