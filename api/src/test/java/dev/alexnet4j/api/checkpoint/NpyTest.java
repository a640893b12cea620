package dev.alexnet4j.api.checkpoint;

import static dev.alexnet4j.api.checkpoint.Arrays32.array;
import static dev.alexnet4j.api.checkpoint.Arrays32.assertBitExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One {@code .npy} array: exact round trips and the bytes numpy writes, read by hand. */
class NpyTest {
  @TempDir Path dir;

  /** The bytes of a .npy file as numpy.lib.format builds them, for a given header dict. */
  static byte[] npy(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int prefix = 6 + 2 + lengthBytes;
    // numpy pads with spaces so that magic + length + header is a multiple of 64, then '\n'.
    int unpadded = dict.length() + 1;
    int padding = (64 - (prefix + unpadded) % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(prefix + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    assertEquals(0, (prefix + header.length()) % 64, "test helper aligns like numpy");
    return b.array();
  }

  static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static NpyArray read(byte[] bytes) throws IOException {
    return Npy.read(new ByteArrayInputStream(bytes), "test.npy");
  }

  private static String failure(byte[] bytes) {
    FileFormatException e = assertThrows(FileFormatException.class, () -> read(bytes));
    assertTrue(e.getMessage().startsWith("test.npy: "), e.getMessage());
    assertEquals("test.npy", e.source());
    return e.getMessage();
  }

  @Test
  void roundTripsEveryRankBitExactly() throws IOException {
    List<int[]> shapes =
        List.of(
            new int[] {5},
            new int[] {2, 3},
            new int[] {2, 3, 4, 5},
            new int[] {1},
            new int[] {},
            new int[] {0},
            new int[] {3, 0, 2},
            new int[] {96, 3, 11, 11});
    for (int[] shape : shapes) {
      NpyArray original = array(shape.length, shape);
      Path file = dir.resolve("a" + Arrays.toString(shape) + ".npy");
      Npy.write(file, original);
      NpyArray back = Npy.read(file);
      assertBitExact(original, back, Arrays.toString(shape));
      assertEquals(original, back);
      assertEquals(Npy.byteSize(shape), Files.size(file), "byteSize " + Arrays.toString(shape));
    }
  }

  @Test
  void writesWhatNumpyWrites() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, new NpyArray(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    byte[] bytes = out.toByteArray();

    assertEquals(
        Arrays.toString(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}),
        Arrays.toString(Arrays.copyOf(bytes, 8)));
    int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    // numpy.save writes a 118-byte header here: 10 + 118 = 128, the data aligned to 64 bytes.
    assertEquals(118, headerLength);
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.strip());
    assertEquals('\n', header.charAt(header.length() - 1));
    assertArrayEquals(
        floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6),
        Arrays.copyOfRange(bytes, 10 + headerLength, bytes.length));
    // The same bytes numpy.save(np.arange(1, 7, dtype='<f4').reshape(2, 3)) writes.
    assertArrayEquals(
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6)),
        bytes);
  }

  @Test
  void writesOneAndZeroDimensionalShapesAsPythonTuples() {
    String oneD = new String(Npy.header(new int[] {7}), StandardCharsets.ISO_8859_1);
    assertTrue(oneD.contains("'shape': (7,), }"), oneD);
    String zeroD = new String(Npy.header(new int[] {}), StandardCharsets.ISO_8859_1);
    assertTrue(zeroD.contains("'shape': (), }"), zeroD);
  }

  @Test
  void readsTheBytesNumpyWrites() throws IOException {
    byte[] file =
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            floats(ByteOrder.LITTLE_ENDIAN, 0.5f, -1, 2, 3.25f, 4, 1e-8f));
    NpyArray a = read(file);
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {0.5f, -1, 2, 3.25f, 4, 1e-8f}, a.data());
  }

  @Test
  void readsVersionTwoAndThreeHeaders() throws IOException {
    for (int major : new int[] {2, 3}) {
      NpyArray a =
          read(
              npy(
                  major,
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                  floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3)));
      assertArrayEquals(new float[] {1, 2, 3}, a.data(), "version " + major);
    }
  }

  @Test
  void convertsFloat64AndBigEndianToFloat() throws IOException {
    NpyArray f8 =
        read(
            npy(
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                doubles(ByteOrder.LITTLE_ENDIAN, 0.1, -2.5, 1e300, 3)));
    assertArrayEquals(new int[] {2, 2}, f8.shape());
    assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY, 3}, f8.data());

    NpyArray bigF4 =
        read(
            npy(
                1,
                "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                floats(ByteOrder.BIG_ENDIAN, 1.5f, -7, 0.125f)));
    assertArrayEquals(new float[] {1.5f, -7, 0.125f}, bigF4.data());

    NpyArray bigF8 =
        read(
            npy(
                1,
                "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }",
                doubles(ByteOrder.BIG_ENDIAN, 6.5)));
    assertArrayEquals(new float[] {6.5f}, bigF8.data());
  }

  @Test
  void acceptsHeaderVariantsOlderNumpyWrote() throws IOException {
    // Python 2 longs, double quotes, keys in another order, no trailing comma.
    NpyArray a =
        read(
            npy(
                1,
                "{\"shape\": (2L, 1L), 'fortran_order': False, 'descr': '<f4'}",
                floats(ByteOrder.LITTLE_ENDIAN, 8, 9)));
    assertArrayEquals(new int[] {2, 1}, a.shape());
    assertArrayEquals(new float[] {8, 9}, a.data());
  }

  @Test
  void refusesFortranOrder() {
    String m =
        failure(
            npy(
                1,
                "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2)));
    assertTrue(m.contains("fortran_order is True"), m);
  }

  @Test
  void refusesOtherDtypesListingTheSupportedOnes() {
    for (String descr : List.of("<i4", "<f2", "|u1", "<c8", "|O")) {
      String m =
          failure(
              npy(
                  1,
                  "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }",
                  new byte[16]));
      assertTrue(m.contains("dtype '" + descr + "' is not supported"), m);
      assertTrue(m.contains("'<f4'"), m);
    }
    String structured =
        failure(
            npy(
                1,
                "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[8]));
    assertTrue(structured.contains("structured dtype"), structured);
  }

  @Test
  void refusesBadMagicAndEmptyInput() {
    byte[] good =
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
            floats(ByteOrder.LITTLE_ENDIAN, 1));
    byte[] bad = good.clone();
    bad[1] = 'X';
    assertTrue(failure(bad).contains("not a .npy array"));
    assertTrue(
        failure("PK\3\4 a zip".getBytes(StandardCharsets.ISO_8859_1)).contains("not a .npy"));
    assertTrue(failure(new byte[0]).contains("truncated at byte 0"));
    byte[] unknownVersion = good.clone();
    unknownVersion[6] = 4;
    assertTrue(failure(unknownVersion).contains("version 4.0 is not supported"));
  }

  @Test
  void refusesTruncatedDataAndHeaders() {
    byte[] good =
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
    String data = failure(Arrays.copyOf(good, good.length - 3));
    assertTrue(data.contains("truncated at byte " + (good.length - 3)), data);
    assertTrue(data.contains("needs 24 bytes"), data);
    String header = failure(Arrays.copyOf(good, 30));
    assertTrue(header.contains("truncated at byte 30 while reading the header"), header);
    String magic = failure(Arrays.copyOf(good, 4));
    assertTrue(magic.contains("truncated at byte 4"), magic);
  }

  @Test
  void refusesBytesAfterTheData() {
    byte[] good =
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
            floats(ByteOrder.LITTLE_ENDIAN, 1));
    String m = failure(Arrays.copyOf(good, good.length + 1));
    assertTrue(m.contains("unexpected bytes after the data"), m);
  }

  @Test
  void refusesMalformedHeaders() {
    String noShape = failure(npy(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[0]));
    assertTrue(noShape.contains("no 'shape'"), noShape);
    String extraKey =
        failure(
            npy(
                1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': True, }",
                new byte[4]));
    assertTrue(extraKey.contains("exactly 'descr', 'fortran_order' and 'shape'"), extraKey);
    String negative =
        failure(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[4]));
    assertTrue(negative.contains("malformed .npy header"), negative);
    String unterminated = failure(npy(1, "{'descr': '<f4', 'fortran_order': False", new byte[0]));
    assertTrue(unterminated.contains("malformed .npy header"), unterminated);
  }

  @Test
  void namesTheFileWhenReadingFromDisk() throws IOException {
    Path file = dir.resolve("broken.npy");
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(file));
    assertEquals(file.toString(), e.source());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
  }
}
