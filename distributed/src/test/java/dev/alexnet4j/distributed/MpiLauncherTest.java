package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line the launcher builds; running it is the multi-process test's job. */
class MpiLauncherTest {
  @Test
  void commandPutsMpiOptionsBeforeTheJvmAndTheJvmsBeforeTheMainClass() {
    List<String> command =
        MpiLauncher.ranks(4)
            .oversubscribe()
            .overTcpLoopback()
            .withSystemProperty("k", "v")
            .withTimeout(Duration.ofSeconds(5))
            .command(Path.of("/tmp/out"), MpiTestMain.class, "collectives", "7");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int javaAt = command.indexOf(java);
    assertEquals(
        List.of(
            "mpirun",
            "-np",
            "4",
            "--oversubscribe",
            "--mca",
            "btl",
            "self,tcp",
            "--mca",
            "btl_tcp_if_include",
            "lo",
            "--output-filename",
            "/tmp/out"),
        command.subList(0, javaAt));
    assertTrue(command.subList(javaAt, command.size()).contains("-Dk=v"), command.toString());
    assertEquals(
        List.of(MpiTestMain.class.getName(), "collectives", "7"),
        command.subList(command.size() - 3, command.size()));
    assertEquals("-cp", command.get(command.size() - 5));
  }

  @Test
  void aWorldNeedsARank() {
    assertThrows(IllegalArgumentException.class, () -> MpiLauncher.ranks(0));
  }
}
