package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --plugins} option and {@code ALEXNET4J_PLUGINS} without a plug-in: what is wrong with
 * a missing jar, and how the option leaves the command line. The example's jar used as a plug-in is
 * tested by examples/verify, after Maven built it against the installed artifacts.
 */
class PluginsOptionTest {
  @TempDir Path dir;

  private static Run run(Path folder, String environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            args, new PrintWriter(out, true), new PrintWriter(err, true), folder, environment);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aMissingPluginIsOneLine() {
    Run r =
        run(
            dir.resolve("no-plugins"),
            null,
            "--plugins",
            dir.resolve("missing.jar").toString(),
            "info");
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("--plugins: no such jar or folder: "), r.err());
    Run env = run(dir.resolve("no-plugins"), dir.resolve("gone").toString(), "info");
    assertEquals(Main.USER_ERROR, env.exitCode(), env.err());
    assertTrue(env.err().contains("ALEXNET4J_PLUGINS: no such jar or folder: "), env.err());
  }

  @Test
  void pluginsOptionsAreTakenOutOfTheCommandLine() {
    String[] args = {
      "--plugins", "a.jar", "train", "--plugins=b.jar", "--epochs", "1", "--", "--plugins"
    };
    assertEquals(List.of("a.jar", "b.jar"), Plugins.optionValues(args));
    assertEquals(List.of("train", "--epochs", "1", "--", "--plugins"), Plugins.withoutOption(args));
  }
}
