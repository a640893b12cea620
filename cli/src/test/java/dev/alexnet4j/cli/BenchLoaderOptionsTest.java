package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --loader-data}: the mistakes a user can make with it, each one line and exit 2. */
class BenchLoaderOptionsTest {
  @Test
  void loaderDataWithoutLoader(@TempDir Path dir) {
    Run r = run("bench", "--loader-data", dir.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--loader-data measures the loader: add --loader"), r.err());
  }

  @Test
  void loaderDataThatIsNotAFolder(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-folder");
    Run r = run("bench", "--loader", "--loader-data", missing.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(missing + ": not a folder of class/image files"), r.err());
  }
}
