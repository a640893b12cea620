package dev.alexnet4j.api.checkpoint;

import static dev.alexnet4j.api.checkpoint.Arrays32.array;
import static dev.alexnet4j.api.checkpoint.Arrays32.assertBitExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code .npz} archives: round trips, archives as numpy writes them, and damaged ones. */
class NpzTest {
  @TempDir Path dir;

  private static Map<String, NpyArray> arrays() {
    Map<String, NpyArray> a = new LinkedHashMap<>();
    a.put("conv1.weight", array(1, 4, 3, 3, 3));
    a.put("conv1.bias", array(2, 4));
    a.put("fc6.weight", array(3, 5, 36));
    a.put("fc6.bias", array(4, 5));
    a.put("scalar", array(5));
    a.put("one", array(6, 1));
    return a;
  }

  /** Writes entries by hand, the way Python's zipfile does for numpy.savez(_compressed). */
  private static void zip(Path file, Map<String, byte[]> entries, int method) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(method);
        if (method == ZipEntry.STORED) {
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setSize(e.getValue().length);
          entry.setCompressedSize(e.getValue().length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
  }

  private static byte[] npyOf(String shape, float... values) {
    return NpyTest.npy(
        1,
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }",
        NpyTest.floats(ByteOrder.LITTLE_ENDIAN, values));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("pattern not found");
  }

  @ParameterizedTest
  @EnumSource(Npz.Compression.class)
  void roundTripsInOrderBitExactly(Npz.Compression compression) throws IOException {
    Path file = dir.resolve("w.npz");
    Npz.write(file, arrays(), compression);
    assertBitExact(arrays(), Npz.read(file), compression.name());
    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertEquals(
          List.of(
              "conv1.weight.npy",
              "conv1.bias.npy",
              "fc6.weight.npy",
              "fc6.bias.npy",
              "scalar.npy",
              "one.npy"),
          names);
      int method = compression == Npz.Compression.STORED ? ZipEntry.STORED : ZipEntry.DEFLATED;
      zip.stream().forEach(e -> assertEquals(method, e.getMethod(), e.getName()));
    }
  }

  @Test
  void writesToAStreamWithoutClosingIt() throws IOException {
    boolean[] closed = {false};
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void close() {
            closed[0] = true;
          }
        };
    Npz.write(sink, arrays(), Npz.Compression.DEFLATED);
    assertEquals(false, closed[0], "the caller's stream stays open");
  }

  @Test
  void readsStoredAndDeflatedArchivesAsNumpyWritesThem() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("conv1.weight.npy", npyOf("(2, 1, 1, 2)", 1, 2, 3, 4));
    entries.put("conv1.bias.npy", npyOf("(2,)", 0.5f, -0.5f));
    for (int method : new int[] {ZipEntry.STORED, ZipEntry.DEFLATED}) {
      Path file = dir.resolve("numpy-" + method + ".npz");
      zip(file, entries, method);
      Map<String, NpyArray> read = Npz.read(file);
      assertEquals(List.of("conv1.weight", "conv1.bias"), List.copyOf(read.keySet()));
      assertArrayEquals(new int[] {2, 1, 1, 2}, read.get("conv1.weight").shape());
      assertArrayEquals(new float[] {1, 2, 3, 4}, read.get("conv1.weight").data());
      assertArrayEquals(new float[] {0.5f, -0.5f}, read.get("conv1.bias").data());
    }
  }

  @Test
  void refusesEntriesThatAreNotArraysNamingThem() throws IOException {
    Path file = dir.resolve("odd.npz");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("a.npy", npyOf("(1,)", 1));
    entries.put("notes.txt", new byte[] {'h', 'i'});
    zip(file, entries, ZipEntry.DEFLATED);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(file));
    assertEquals(file + " entry notes.txt", e.source());
    assertTrue(e.getMessage().contains("not a .npy array"), e.getMessage());
  }

  @Test
  void refusesABadEntryNamingTheFileAndEntry() throws IOException {
    Path file = dir.resolve("ints.npz");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("good.npy", npyOf("(1,)", 1));
    entries.put(
        "counts.npy",
        NpyTest.npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
    zip(file, entries, ZipEntry.STORED);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(file));
    assertTrue(
        e.getMessage().startsWith(file + " entry counts.npy: dtype '<i8' is not supported"),
        e.getMessage());
  }

  @Test
  void refusesACorruptStoredEntryByItsChecksum() throws IOException {
    Path file = dir.resolve("w.npz");
    Map<String, NpyArray> a = new LinkedHashMap<>();
    a.put("x", new NpyArray(new int[] {3}, new float[] {1, 1234.5f, 2}));
    Npz.write(file, a, Npz.Compression.STORED);
    byte[] bytes = Files.readAllBytes(file);
    bytes[indexOf(bytes, NpyTest.floats(ByteOrder.LITTLE_ENDIAN, 1234.5f)) + 1] ^= 0x10;
    Files.write(file, bytes);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(file));
    assertTrue(e.getMessage().startsWith(file + " entry x.npy: checksum mismatch"), e.getMessage());
  }

  @Test
  void refusesACorruptDeflatedEntry() throws IOException {
    Path file = dir.resolve("w.npz");
    Map<String, NpyArray> a = new LinkedHashMap<>();
    a.put("x", array(9, 64, 64));
    Npz.write(file, a, Npz.Compression.DEFLATED);
    byte[] bytes = Files.readAllBytes(file);
    // Local header (30 bytes) and name come first; damage the compressed data after them.
    for (int i = 200; i < 260; i++) {
      bytes[i] ^= (byte) 0x5a;
    }
    Files.write(file, bytes);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(file));
    assertTrue(e.getMessage().startsWith(file + " entry x.npy: "), e.getMessage());
  }

  @Test
  void refusesATruncatedArchive() throws IOException {
    Path file = dir.resolve("w.npz");
    Npz.write(file, arrays());
    byte[] bytes = Files.readAllBytes(file);
    for (int cut : new int[] {0, 10, bytes.length / 2, bytes.length - 1}) {
      Path cutFile = dir.resolve("cut" + cut + ".npz");
      Files.write(cutFile, Arrays.copyOf(bytes, cut));
      FileFormatException e = assertThrows(FileFormatException.class, () -> Npz.read(cutFile));
      assertTrue(e.getMessage().startsWith(cutFile + ": not a readable"), e.getMessage());
    }
  }

  @Test
  void leavesNoTemporaryFileBehind() throws IOException {
    Npz.write(dir.resolve("w.npz"), arrays(), Npz.Compression.DEFLATED);
    try (var files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("w.npz")), files.toList());
    }
  }
}
