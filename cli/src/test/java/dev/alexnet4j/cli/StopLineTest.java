package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a training run, as a user does it: SIGINT to a JVM running the command line. The stop
 * line comes every time, after the checkpoint it names is written.
 */
class StopLineTest {
  private static final int RUNS = 4;

  @TempDir Path dir;

  @Test
  void ctrlCAlwaysPrintsTheStopLine() throws Exception {
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path config = CliFixture.config(dir);
    String signal = sigintIgnored() ? "-TERM" : "-INT"; // same shutdown path; INT may be ignored
    for (int i = 0; i < RUNS; i++) {
      Path run = dir.resolve("run" + i);
      Path out = dir.resolve("out" + i + ".txt");
      Path err = dir.resolve("err" + i + ".txt");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  classPath(),
                  "-Dalexnet4j.log.file=" + dir.resolve("log" + i + ".log"),
                  Main.class.getName(),
                  "train",
                  "--config",
                  config.toString(),
                  "--data",
                  data.toString(),
                  "--out",
                  run.toString(),
                  "--epochs",
                  "10000")
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try {
        waitForACheckpoint(run.resolve("checkpoints"), p);
        new ProcessBuilder("kill", signal, Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stops");
      } finally {
        p.destroyForcibly();
      }
      String printed = Files.readString(out);
      assertTrue(
          printed.contains("stopped at step ") && printed.contains("; checkpoint "),
          "run " + i + " printed no stop line: " + printed + Files.readString(err));
    }
  }

  private static void waitForACheckpoint(Path checkpoints, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (Files.isDirectory(checkpoints)) {
        try (Stream<Path> files = Files.list(checkpoints)) {
          if (files.anyMatch(f -> f.getFileName().toString().startsWith("checkpoint-"))) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no checkpoint within 120 s; alive: " + p.isAlive());
  }

  /** Whether this JVM, and so its children, ignore SIGINT (as jobs started in the background). */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  private static String classPath() {
    // Surefire may start the test JVM through a manifest-only jar; its property has the real path.
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }
}
