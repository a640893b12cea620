package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --loader --loader-data DIR}: the loader benchmark measures a folder it is given (as
 * {@code prepare} writes it) instead of generating its own JPEGs. Checks what is measured, not how
 * fast.
 */
class LoaderBenchmarkTest {
  @Test
  void measuresTheGivenFolderInsteadOfGeneratedSets(@TempDir Path dir) throws Exception {
    Path prepared = dir.resolve("prepared");
    LoaderBenchmark.generate(prepared, 24, 256, 256);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LoaderBenchmark.main(
          new String[] {
            "--data", prepared.toString(), "--seconds", "0.2", "--batch", "4", "--workers", "1"
          });
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("loader benchmark: " + prepared), out);
    assertTrue(out.contains(prepared + ": decode only, 1 thread:"), out);
    assertTrue(out.contains(prepared + ": loader, 1 worker:"), out);
    assertTrue(!out.contains("256x256") && !out.contains("500x375"), "no generated sets: " + out);
  }
}
