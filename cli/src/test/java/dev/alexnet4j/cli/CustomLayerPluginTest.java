package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example project examples/custom-layer as a stranger uses it: its sources compiled against
 * this build's own classes (javac, no Maven and no network inside the test), jarred with its
 * reference.conf, and loaded by the command line as a plug-in: {@code --plugins} for train, the
 * plug-in folder for eval, {@code ALEXNET4J_PLUGINS} for predict, on the checkpoint trained with
 * the user's layer; without it, one line says where the jar goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomLayerPluginTest {
  static final Path EXAMPLE =
      Path.of("").toAbsolutePath().getParent().resolve("examples").resolve("custom-layer");

  private Path dir;
  private Path jar;
  private Path pluginFolder;
  private Path noFolder;
  private Path data;
  private Path config;
  private Path runFolder;

  @BeforeAll
  void buildThePlugin(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    pluginFolder = Files.createDirectories(dir.resolve("plugins"));
    noFolder = dir.resolve("no-plugins");
    jar = pluginFolder.resolve("custom-layer-1.0.jar");
    buildJar(EXAMPLE, dir.resolve("classes"), jar);
    data = CliFixture.imageFolders(dir.resolve("data"));
    config = EXAMPLE.resolve("tanh.conf");
    runFolder = dir.resolve("run");
  }

  /** javac over the example's sources with this JVM's class path, then a jar with its resources. */
  static void buildJar(Path project, Path classes, Path jar) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--release",
            "17",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString()));
    try (Stream<Path> sources = Files.walk(project.resolve("src/main/java"))) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int code = javac.run(null, OutputStream.nullOutputStream(), log, args.toArray(String[]::new));
    assertEquals(0, code, "javac of " + project + ": " + log);
    Path resources = project.resolve("src/main/resources");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path root : List.of(classes, resources)) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
            out.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
            Files.copy(file, out);
            out.closeEntry();
          }
        }
      }
    }
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

  @Test
  void aMissingPluginIsOneLine() {
    Run r = run(noFolder, null, "--plugins", dir.resolve("missing.jar").toString(), "info");
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(r.err().contains("--plugins: no such jar or folder: "), r.err());
    Run env = run(noFolder, dir.resolve("gone").toString(), "info");
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
