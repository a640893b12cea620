package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/custom-layer as a stranger uses it. Maven built it (invoker, before this test) from its
 * own pom against this build's artifacts installed into a repository of their own, and ran its Java
 * entry point; here its jar is loaded by the command line as a plug-in: {@code --plugins} for
 * train, the plug-in folder for eval, {@code ALEXNET4J_PLUGINS} for predict, on the checkpoint
 * trained with the user's layer; without it, one line says where the jar goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomLayerExampleTest {
  private static final String VERSION = "0.1.0-SNAPSHOT";

  private final Path builds = Path.of(System.getProperty("alexnet4j-examples.builds"));
  private final Path repo = Path.of(System.getProperty("alexnet4j-examples.repo"));
  private final Path example = builds.resolve("custom-layer");
  private Path dir;
  private Path jar;
  private Path pluginFolder;
  private Path noFolder;
  private Path data;
  private Path config;
  private Path runFolder;

  @BeforeAll
  void takeTheExamplesJar(@TempDir Path tempDir) throws IOException {
    Path built = example.resolve("target/custom-layer-1.0.jar");
    assertTrue(
        Files.isRegularFile(built),
        "the example's Maven build left no " + built + "; see " + example.resolve("build.log"));
    dir = tempDir;
    pluginFolder = Files.createDirectories(dir.resolve("plugins"));
    noFolder = dir.resolve("no-plugins");
    jar = Files.copy(built, pluginFolder.resolve(built.getFileName()));
    data = CliFixture.imageFolders(dir.resolve("data"));
    config = example.resolve("tanh.conf");
    runFolder = dir.resolve("run");
  }

  @Test
  @Order(0)
  void theExampleWasBuiltAgainstTheInstalledArtifactsAndRanFromJava() throws IOException {
    for (String module : new String[] {"api", "backend-nd4j", "bom"}) {
      Path installed = repo.resolve("dev/alexnet4j/alexnet4j-" + module + "/" + VERSION);
      assertTrue(Files.isDirectory(installed), "not installed for the example: " + installed);
    }
    String log = Files.readString(example.resolve("build.log"));
    assertTrue(log.contains("BUILD SUCCESS"), log);
    // TanhFromJava's two lines: tanh at -2, -0.5, 0, 1 and its derivative 1 - tanh^2 there.
    double[] x = {-2, -0.5, 0, 1};
    double[] y = printed(log, "tanh(x)   = ");
    double[] dx = printed(log, "1 - y^2   = ");
    for (int i = 0; i < x.length; i++) {
      double t = Math.tanh(x[i]);
      assertEquals(t, y[i], 1e-6, "tanh(" + x[i] + ")");
      assertEquals(1 - t * t, dx[i], 1e-6, "tanh'(" + x[i] + ")");
    }
  }

  /** The numbers of the line {@code label[a, b, ...]} in {@code log}. */
  private static double[] printed(String log, String label) {
    int at = log.indexOf(label);
    assertTrue(at >= 0, "no line '" + label + "' in the example's output: " + log);
    String list = log.substring(log.indexOf('[', at) + 1, log.indexOf(']', at));
    return Stream.of(list.split(",")).mapToDouble(v -> Double.parseDouble(v.strip())).toArray();
  }

  private static Run run(Path folder, String environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            args, new PrintWriter(out, true), new PrintWriter(err, true), folder, environment);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertOk(Run r) {
    assertEquals(0, r.exitCode(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
  }

  @Test
  @Order(1)
  void withoutThePluginOneLineSaysWhereTheJarGoes() {
    Run r =
        run(
            noFolder,
            null,
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("failed").toString());
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("com.example.tanh.TanhModule"), r.err());
    assertTrue(r.err().contains("ALEXNET4J_PLUGINS"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  @Order(2)
  void trainsWithTheUsersLayerFromPluginsOption() throws IOException {
    Run r =
        run(
            noFolder,
            null,
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4",
            "--plugins",
            jar.toString());
    assertOk(r);
    assertTrue(r.out().contains("finished at step 12"), r.out());
    assertTrue(Files.readString(runFolder.resolve("config.conf")).contains("tanh"));
    assertTrue(Files.isRegularFile(runFolder.resolve("checkpoints/best.a4j")));
  }

  @Test
  @Order(3)
  void evaluatesTheCheckpointWithThePluginFolder() {
    Run r =
        run(
            pluginFolder,
            null,
            "eval",
            "--checkpoint",
            runFolder.resolve("checkpoints/best.a4j").toString(),
            "--data",
            data.resolve("val").toString());
    assertOk(r);
    assertTrue(r.out().startsWith("16 images, centre crop: top-1 error"), r.out());
  }

  @Test
  @Order(4)
  void predictsWithThePluginFromTheEnvironment() throws IOException {
    Path image;
    try (Stream<Path> images = Files.list(data.resolve("val/red"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    Run r =
        run(
            noFolder,
            jar.toString(),
            "predict",
            "--checkpoint",
            runFolder.resolve("checkpoints/best.a4j").toString(),
            image.toString());
    assertOk(r);
    assertTrue(r.out().contains("red") || r.out().contains("blue"), r.out());
  }

  @Test
  @Order(5)
  void infoListsTheUsersLayerType() {
    Run r = run(noFolder, null, "info", "--plugins", jar.toString(), "--config", config.toString());
    assertOk(r);
    assertTrue(r.out().contains("tanh1"), r.out());
  }
}
