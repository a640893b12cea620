package dev.alexnet4j.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement: a failed write leaves the old file and no temporary file. */
class AtomicFilesTest {
  @TempDir Path dir;

  private List<Path> listing() throws IOException {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void replacesTheFileWhole() throws IOException {
    Path target = dir.resolve("a.bin");
    Files.writeString(target, "old");
    AtomicFiles.write(target, out -> out.write("new content".getBytes(StandardCharsets.UTF_8)));
    assertEquals("new content", Files.readString(target));
    assertEquals(List.of(target), listing());
  }

  @Test
  void aWriterThatFailsMidwayLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = dir.resolve("a.bin");
    Files.writeString(target, "old");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write(new byte[200_000]); // past the buffer: bytes reach the disk
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(target));
    assertEquals(List.of(target), listing());

    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.write(
                target,
                out -> {
                  out.write(1);
                  throw new IllegalStateException("bug");
                }));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of(target), listing());
  }

  @Test
  void aFailedFirstWriteLeavesNothing() {
    Path target = dir.resolve("new.bin");
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.write(
                target,
                out -> {
                  throw new IOException("no");
                }));
    assertEquals(false, Files.exists(target));
  }

  @Test
  void publishCopyGivesASecondNameThatOutlivesTheFirst() throws IOException {
    Path source = dir.resolve("checkpoint-1.a4j");
    Files.write(source, new byte[] {1, 2, 3});
    Path best = dir.resolve("best.a4j");
    Files.write(best, new byte[] {9});
    AtomicFiles.publishCopy(source, best);
    Files.delete(source);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(best));
    assertEquals(List.of(best), listing());
  }

  @Test
  void recognisesItsTemporaryNames() {
    assertEquals(
        "checkpoint-0000000100.a4j",
        AtomicFiles.targetOfTemporary(".checkpoint-0000000100.a4j.0123456789abcdef.tmp"));
    assertEquals("best.a4j", AtomicFiles.targetOfTemporary(".best.a4j.fedcba9876543210.tmp"));
    assertNull(AtomicFiles.targetOfTemporary(".best.a4j.xyz.tmp"));
    assertNull(AtomicFiles.targetOfTemporary("best.a4j.0123456789abcdef.tmp"));
    assertNull(AtomicFiles.targetOfTemporary(".bashrc"));
    assertNull(AtomicFiles.targetOfTemporary(".0123456789abcdef.tmp"));
  }
}
