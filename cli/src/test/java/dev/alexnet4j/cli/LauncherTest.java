package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/alexnet4j, run in a copy of the tree with a stand-in {@code java} on the PATH that prints its
 * arguments: ALEXNET4J_JAVA_OPTS adds to the default heap and memory options instead of replacing
 * them, and a class path in it is refused with a pointer to plug-ins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherTest {
  private Path tree;
  private Path fakeBin;

  @BeforeAll
  void copyTheLauncher(@TempDir Path dir) throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
    tree = dir.resolve("tree");
    Path launcher = Path.of("").toAbsolutePath().getParent().resolve("bin/alexnet4j");
    Files.createDirectories(tree.resolve("bin"));
    Files.copy(launcher, tree.resolve("bin/alexnet4j"));
    Files.createDirectories(tree.resolve("cli/target/lib"));
    Files.writeString(tree.resolve("cli/target/alexnet4j-cli.jar"), "");
    fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
    Path java = fakeBin.resolve("java");
    Files.writeString(java, "#!/bin/bash\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Result(int code, List<String> out, String err) {}

  private Result launch(String javaOpts, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of("/bin/bash", tree.resolve("bin/alexnet4j").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("PATH", fakeBin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.remove("ALEXNET4J_JAVA_OPTS");
    if (javaOpts != null) {
      env.put("ALEXNET4J_JAVA_OPTS", javaOpts);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out.lines().toList(), err);
  }

  @Test
  void defaultsWithoutUserOptions() throws Exception {
    Result r = launch(null, "info");
    assertEquals(0, r.code(), r.err());
    assertEquals("-Xmx4g", r.out().get(0));
    assertTrue(r.out().contains("-Dorg.bytedeco.javacpp.maxbytes=24g"), r.out().toString());
    assertEquals(
        List.of("dev.alexnet4j.cli.Main", "info"),
        r.out().subList(r.out().size() - 2, r.out().size()));
  }

  @Test
  void userOptionsComeAfterTheDefaults() throws Exception {
    Result r = launch("-Xmx1g -Dmy.flag=1", "eval", "--help");
    assertEquals(0, r.code(), r.err());
    List<String> out = r.out();
    int heap = out.indexOf("-Xmx4g");
    int maxBytes = out.indexOf("-Dorg.bytedeco.javacpp.maxbytes=24g");
    int physical = out.indexOf("-Dorg.bytedeco.javacpp.maxphysicalbytes=28g");
    int mine = out.indexOf("-Xmx1g");
    assertTrue(heap >= 0 && maxBytes >= 0 && physical >= 0, out.toString());
    assertTrue(mine > physical, "the user's -Xmx comes last and wins: " + out);
    assertTrue(out.indexOf("-Dmy.flag=1") > mine, out.toString());
    assertEquals(
        List.of("dev.alexnet4j.cli.Main", "eval", "--help"),
        out.subList(out.size() - 3, out.size()));
  }

  @Test
  void aClassPathInJavaOptionsIsRefusedWithAPointerToPlugins() throws Exception {
    Result r = launch("-cp /somewhere/my.jar", "info");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--plugins"), r.err());
    assertTrue(r.out().isEmpty(), r.out().toString());
  }
}
