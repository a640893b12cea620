package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;
import dev.alexnet4j.api.config.Backends;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.config.PluginRegistry;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code alexnet4j info}: version, backends and whether they run here, devices, config. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Version, every backend and whether it can run here, its devices, the config.")
final class InfoCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : new Version().getVersion()) {
      out.println(line);
    }
    Config config = options.load(Map.of());
    String selected = config.getString("alexnet4j.backend");
    out.println();
    out.println("backends:");
    PluginRegistry<BackendProvider> registry =
        Backends.discover(Thread.currentThread().getContextClassLoader());
    for (BackendProvider p : registry.plugins()) {
      Availability a = p.availability();
      out.printf(
          "  %-8s %s%s%n",
          p.name(),
          a.available() ? "can run here" : "cannot run here: " + a.reason(),
          p.name().equals(selected) ? "  (selected: alexnet4j.backend)" : "");
    }
    try (Session session = Session.open(config)) {
      out.println("devices of " + selected + ": " + session.backend.devices());
      out.println();
      out.println("model " + config.getString("alexnet4j.model") + ":");
      out.print(session.network.summary());
    } catch (ConfigurationException e) {
      out.println("(no model summary: " + e.getMessage() + ")");
    }
    out.println();
    out.println("effective config:");
    out.println(
        config
            .getConfig("alexnet4j")
            .atPath("alexnet4j")
            .root()
            .render(
                com.typesafe.config.ConfigRenderOptions.defaults()
                    .setOriginComments(false)
                    .setComments(false)
                    .setJson(false)));
    return 0;
  }
}
