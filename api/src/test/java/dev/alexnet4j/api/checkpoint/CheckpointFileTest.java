package dev.alexnet4j.api.checkpoint;

import static dev.alexnet4j.api.checkpoint.Arrays32.array;
import static dev.alexnet4j.api.checkpoint.Arrays32.assertBitExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: exact round trips, and every kind of damage refused by name. */
class CheckpointFileTest {
  @TempDir Path dir;

  static Checkpoint checkpoint(long seed, long step) {
    Map<String, NpyArray> parameters = new LinkedHashMap<>();
    parameters.put("conv1.weight", array(seed, 4, 3, 3, 3));
    parameters.put("conv1.bias", array(seed + 1, 4));
    parameters.put("fc6.weight", array(seed + 2, 5, 12));
    parameters.put("fc6.bias", array(seed + 3, 5));
    Map<String, NpyArray> momentum = new LinkedHashMap<>();
    parameters.forEach(
        (name, a) -> momentum.put(name, array(seed + 10 + name.length(), a.shape())));
    Map<String, String> state = new LinkedHashMap<>();
    state.put("lr-schedule", "plateau lr=0.001 best=0.42 waited=3");
    state.put("rng", "seed=7 counter=123456789");
    state.put("empty", "");
    String config =
        "alexnet4j {\n"
            + "  train { learning-rate = 0.01, momentum = 0.9 }\n"
            + "  run.name = \"réseau ✓\"\n"
            + "}\n";
    return new Checkpoint(config, 3, step, state, parameters, momentum);
  }

  /** A small checkpoint, so that every byte can be damaged in turn. */
  private static Checkpoint tiny() {
    Map<String, NpyArray> p = new LinkedHashMap<>();
    p.put("w", new NpyArray(new int[] {2, 2}, new float[] {1, -2, 3.5f, Float.NaN}));
    p.put("b", new NpyArray(new int[] {2}, new float[] {0.25f, -0f}));
    Map<String, NpyArray> v = new LinkedHashMap<>();
    v.put("w", new NpyArray(new int[] {2, 2}, new float[] {0.1f, 0.2f, 0.3f, 0.4f}));
    v.put("b", new NpyArray(new int[] {2}, new float[] {5, 6}));
    return new Checkpoint("a = 1", 1, 42, Map.of("k", "v"), p, v);
  }

  private List<Path> listing() throws IOException {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private static String refused(Path file) {
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> CheckpointFile.read(file));
    assertEquals(file.toString(), e.source());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void roundTripsBitExactlyInOrder() throws IOException {
    Checkpoint original = checkpoint(1, 1200);
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, original);
    Checkpoint back = CheckpointFile.read(file);

    assertEquals(original.config(), back.config());
    assertEquals(3, back.epoch());
    assertEquals(1200, back.step());
    assertEquals(List.copyOf(original.state().entrySet()), List.copyOf(back.state().entrySet()));
    assertBitExact(original.parameters(), back.parameters(), "parameters");
    assertBitExact(original.optimizerState(), back.optimizerState(), "optimizer state");
    assertEquals(original, back);
    assertEquals(List.of(file), listing(), "no temporary file left");
  }

  @Test
  void roundTripsArraysLargerThanTheIoChunkAndEmptyOnes() throws IOException {
    Map<String, NpyArray> p = new LinkedHashMap<>();
    p.put("fc.weight", array(9, 700, 1000)); // 2.8 MB: several 1 MiB chunks and a partial one
    p.put("zero", new NpyArray(new int[] {0, 3}, new float[0]));
    p.put("scalar", new NpyArray(new int[] {}, new float[] {7}));
    Checkpoint original = new Checkpoint("", 0, 0, Map.of(), p, Map.of());
    Path file = dir.resolve("big.a4j");
    CheckpointFile.write(file, original);
    Checkpoint back = CheckpointFile.read(file);
    assertBitExact(p, back.parameters(), "parameters");
    assertTrue(back.optimizerState().isEmpty());
  }

  @Test
  void readsTheSummaryWithoutTheArrays() throws IOException {
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, checkpoint(1, 77));
    CheckpointSummary s = CheckpointFile.readSummary(file);
    assertEquals(77, s.step());
    assertEquals(3, s.epoch());
    assertEquals(checkpoint(1, 77).config(), s.config());
    assertEquals("seed=7 counter=123456789", s.state().get("rng"));
    assertEquals(Files.size(file), s.fileLength());
  }

  @Test
  void refusesTruncatedFilesSayingWhere() throws IOException {
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, checkpoint(1, 5));
    byte[] bytes = Files.readAllBytes(file);
    int metadataLength = ByteBuffer.wrap(bytes, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int dataStart = 28 + metadataLength + 4;
    int[] cuts = {
      0,
      3,
      8,
      20,
      27,
      28,
      40,
      dataStart - 2,
      dataStart,
      dataStart + 101,
      bytes.length - 4,
      bytes.length - 1
    };
    for (int cut : cuts) {
      Path cutFile = dir.resolve("cut-" + cut + ".a4j");
      Files.write(cutFile, Arrays.copyOf(bytes, cut));
      String m = refused(cutFile);
      assertTrue(m.contains("truncated at byte " + cut), "cut at " + cut + ": " + m);
      assertThrows(
          FileFormatException.class, () -> CheckpointFile.readSummary(cutFile), "summary " + cut);
    }
  }

  @Test
  void refusesEveryFlippedByte() throws IOException {
    Path file = dir.resolve("tiny.a4j");
    CheckpointFile.write(file, tiny());
    byte[] bytes = Files.readAllBytes(file);
    TreeSet<String> kinds = new TreeSet<>();
    for (int i = 0; i < bytes.length; i++) {
      byte[] damaged = bytes.clone();
      damaged[i] ^= 0x01;
      Path bad = dir.resolve("flipped.a4j");
      Files.write(bad, damaged);
      String m = refused(bad);
      if (m.contains("checksum mismatch")) {
        kinds.add("checksum");
      } else if (m.contains("not an alexnet4j checkpoint")) {
        kinds.add("magic");
      } else if (m.contains("format version")) {
        kinds.add("version");
      } else if (m.contains("corrupt header")) {
        kinds.add("header");
      } else {
        throw new AssertionError("byte " + i + ": unexpected message " + m);
      }
    }
    assertTrue(
        kinds.containsAll(List.of("checksum", "magic", "version", "header")), kinds.toString());
  }

  @Test
  void aFlippedDataByteIsAChecksumMismatch() throws IOException {
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, checkpoint(2, 9));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 100] ^= (byte) 0x80;
    Files.write(file, bytes);
    String m = refused(file);
    assertTrue(m.contains("checksum mismatch (stored "), m);
    assertTrue(m.contains("the file is corrupt"), m);
  }

  @Test
  void refusesFilesThatAreNotCheckpoints() throws IOException {
    Path text = dir.resolve("notes.a4j");
    Files.writeString(text, "alexnet4j { train { epochs = 90 } }");
    assertTrue(refused(text).contains("not an alexnet4j checkpoint"));

    Path npz = dir.resolve("weights.a4j");
    Map<String, NpyArray> a = new LinkedHashMap<>();
    a.put("x", array(1, 3));
    Npz.write(npz, a);
    assertTrue(refused(npz).contains("not an alexnet4j checkpoint"));
  }

  @Test
  void refusesAnotherFormatVersion() throws IOException {
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, tiny());
    byte[] bytes = Files.readAllBytes(file);
    bytes[8] = 2;
    Files.write(file, bytes);
    String m = refused(file);
    assertTrue(m.contains("format version 2 is not supported (this build reads version 1)"), m);
  }

  @Test
  void refusesBytesAfterTheEnd() throws IOException {
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, tiny());
    Files.write(file, new byte[] {0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);
    assertTrue(refused(file).contains("3 unexpected bytes after the end"));
  }

  /** A stream that fails after a number of bytes, like a disk that fills up. */
  private static final class FailingAfter extends FilterOutputStream {
    private long left;

    FailingAfter(OutputStream out, long bytes) {
      super(out);
      this.left = bytes;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        out.write(b, off, (int) left);
        left = 0;
        throw new IOException("No space left on device");
      }
      out.write(b, off, len);
      left -= len;
    }
  }

  @Test
  void aWriteThatFailsMidwayLeavesTheOldCheckpointWholeAndNoTemporary() throws IOException {
    Path file = dir.resolve("c.a4j");
    Checkpoint old = checkpoint(1, 100);
    CheckpointFile.write(file, old);
    byte[] oldBytes = Files.readAllBytes(file);

    Checkpoint next = checkpoint(2, 200);
    for (long failAt : new long[] {0, 10, 500, oldBytes.length - 10}) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  AtomicFiles.write(
                      file, out -> CheckpointFile.writeTo(new FailingAfter(out, failAt), next)));
      assertEquals("No space left on device", e.getMessage());
      assertEquals(List.of(file), listing(), "fail at " + failAt);
      assertEquals(old, CheckpointFile.read(file));
    }
    CheckpointFile.write(file, next);
    assertEquals(next, CheckpointFile.read(file));
  }

  @Test
  void aRenameThatFailsLeavesNoTemporary() throws IOException {
    Path target = dir.resolve("occupied");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "x");
    assertThrows(IOException.class, () -> CheckpointFile.write(target, tiny()));
    assertEquals(List.of(target), listing());
    assertEquals("x", Files.readString(target.resolve("keep.txt")));
  }
}
