package dev.alexnet4j.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run folder's checkpoints: names, rotation, the best one and the latest one. */
class CheckpointStoreTest {
  @TempDir Path dir;

  private static Checkpoint at(long step) {
    return CheckpointFileTest.checkpoint(step, step);
  }

  private List<String> names() throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void namesCheckpointsByZeroPaddedStep() {
    assertEquals("checkpoint-0000001200.a4j", CheckpointStore.fileName(1200));
    assertEquals("checkpoint-0000000000.a4j", CheckpointStore.fileName(0));
    assertEquals("checkpoint-12345678901.a4j", CheckpointStore.fileName(12_345_678_901L));
    assertEquals(1200, CheckpointStore.stepOf(Path.of("checkpoint-0000001200.a4j")));
    assertEquals(-1, CheckpointStore.stepOf(Path.of("best.a4j")));
    assertEquals(-1, CheckpointStore.stepOf(Path.of("checkpoint-12.a4j.bak")));
  }

  @Test
  void keepsTheLastN() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    for (long step = 100; step <= 700; step += 100) {
      Path written = store.save(at(step));
      assertEquals(dir.resolve(CheckpointStore.fileName(step)), written);
    }
    assertEquals(
        List.of(
            "checkpoint-0000000500.a4j", "checkpoint-0000000600.a4j", "checkpoint-0000000700.a4j"),
        names());
    assertEquals(at(600), CheckpointFile.read(store.pathFor(600)));
  }

  @Test
  void keepsTheBestApartFromRotation() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    double[] errors = {0.50, 0.40, 0.45, 0.40, 0.60, 0.70};
    for (int i = 0; i < errors.length; i++) {
      store.save(at(100L * (i + 1)), errors[i]);
    }
    assertEquals(
        List.of("best.a4j", "checkpoint-0000000500.a4j", "checkpoint-0000000600.a4j"), names());
    Checkpoint best = CheckpointFile.read(store.best().orElseThrow());
    // Step 200 reached 0.40 first; step 400's equal error does not displace it.
    assertEquals(200, best.step());
    assertEquals("0.4", best.state().get(CheckpointStore.VALIDATION_ERROR_KEY));
    assertEquals(at(200).withState(CheckpointStore.VALIDATION_ERROR_KEY, "0.4"), best);
    assertEquals(OptionalDouble.of(0.40), store.bestValidationError());
    assertEquals(
        "0.7",
        CheckpointFile.read(store.pathFor(600)).state().get(CheckpointStore.VALIDATION_ERROR_KEY));
  }

  @Test
  void aNewStoreRemembersTheBestFromItsFile() throws IOException {
    new CheckpointStore(dir, 1).save(at(10), 0.3);
    CheckpointStore reopened = new CheckpointStore(dir, 1);
    assertEquals(OptionalDouble.of(0.3), reopened.bestValidationError());
    reopened.save(at(20), 0.35);
    assertEquals(10, CheckpointFile.read(reopened.bestPath()).step());
    reopened.save(at(30), 0.25);
    assertEquals(30, CheckpointFile.read(reopened.bestPath()).step());
    assertEquals(List.of("best.a4j", "checkpoint-0000000030.a4j"), names());
  }

  @Test
  void findsTheLatestForResume() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 5);
    assertEquals(Optional.empty(), store.latest());
    assertEquals(Optional.empty(), store.readLatest());
    assertEquals(Optional.empty(), store.best());
    assertEquals(OptionalDouble.empty(), store.bestValidationError());

    store.save(at(900), 0.1);
    store.save(at(1000));
    store.save(at(50));
    Files.writeString(dir.resolve("notes.txt"), "not a checkpoint");
    Files.writeString(dir.resolve("checkpoint-latest.a4j"), "not ours either");
    assertEquals(Optional.of(store.pathFor(1000)), store.latest());
    assertEquals(at(1000), store.readLatest().orElseThrow());
    assertEquals(
        List.of(store.pathFor(50), store.pathFor(900), store.pathFor(1000)), store.checkpoints());
  }

  @Test
  void neverDeletesTheFileItJustWrote() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 1);
    store.save(at(900));
    // A run resumed from an earlier step writes a lower step than the newest file.
    Path written = store.save(at(500));
    assertTrue(Files.exists(written));
    assertEquals(List.of("checkpoint-0000000500.a4j", "checkpoint-0000000900.a4j"), names());
    store.save(at(1000));
    assertEquals(List.of("checkpoint-0000001000.a4j"), names());
  }

  @Test
  void savingTheSameStepAgainReplacesIt() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    store.save(at(100));
    Checkpoint again = CheckpointFileTest.checkpoint(77, 100);
    store.save(again);
    assertEquals(again, CheckpointFile.read(store.pathFor(100)));
    assertEquals(List.of("checkpoint-0000000100.a4j"), names());
  }

  @Test
  void cleansUpTemporaryFilesACrashLeftButNothingElse() throws IOException {
    Files.writeString(dir.resolve(".checkpoint-0000000100.a4j.0123456789abcdef.tmp"), "torn");
    Files.writeString(dir.resolve(".best.a4j.fedcba9876543210.tmp"), "torn");
    Files.writeString(dir.resolve(".other.bin.0123456789abcdef.tmp"), "someone else's");
    Files.writeString(dir.resolve(".hidden"), "mine");
    new CheckpointStore(dir, 2);
    assertEquals(List.of(".hidden", ".other.bin.0123456789abcdef.tmp"), names());
  }

  @Test
  void createsItsFolderAndRefusesNonsense() throws IOException {
    Path nested = dir.resolve("runs/a");
    CheckpointStore store = new CheckpointStore(nested, 1);
    assertTrue(Files.isDirectory(nested));
    assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0));
    assertThrows(IllegalArgumentException.class, () -> store.save(at(1), Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> CheckpointStore.fileName(-1));
  }

  @Test
  void aBestWithoutAnErrorIsReported() throws IOException {
    CheckpointFile.write(dir.resolve("best.a4j"), at(5));
    CheckpointStore store = new CheckpointStore(dir, 1);
    FileFormatException e = assertThrows(FileFormatException.class, () -> store.save(at(6), 0.1));
    assertTrue(e.getMessage().contains("validation-error is null, not a number"), e.getMessage());
  }
}
