package dev.alexnet4j.api.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Writes and reads one {@link Checkpoint} as a single binary file ({@code .a4j}).
 *
 * <p>Layout, every number little-endian:
 *
 * <pre>
 * offset   bytes  content
 * 0        8      magic 89 41 34 4A 0D 0A 1A 0A ("\x89A4J\r\n\x1a\n", PNG-style: the high byte
 *                 and the line endings catch 7-bit and text-mode transfers)
 * 8        4      format version, 1
 * 12       4      flags, 0 (reserved)
 * 16       8      length of the whole file in bytes
 * 24       4      metadata length M
 * 28       M      metadata (below)
 * 28+M     4      CRC-32C of bytes [0, 28+M): the header and metadata
 * 32+M     D      the arrays' float32 values, parameters then optimizer state, in metadata order
 * 32+M+D   4      CRC-32C of every byte before it
 * </pre>
 *
 * <p>Metadata: {@code i32 epoch, i64 step, str config}, then {@code u32 n} state entries {@code
 * (str key, str value)}, then {@code u32 n} parameters and {@code u32 n} optimizer-state arrays,
 * each {@code (str name, u32 rank, rank x u32 dim)}; a {@code str} is a {@code u32} byte count and
 * UTF-8.
 *
 * <p>The header and metadata have their own checksum so that the array sizes are trusted before
 * anything is allocated, and the file length is in the header so that a cut file is reported as
 * truncated rather than merely corrupt. A file is read whole and both checksums verified before a
 * {@code Checkpoint} is returned: a bad file is refused, never half-loaded. Writing goes through a
 * temporary file, forced and renamed, so a crash leaves the old file or the new one, never a torn
 * one.
 */
public final class CheckpointFile {
  /** The format version this class writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final byte[] MAGIC = {(byte) 0x89, 'A', '4', 'J', '\r', '\n', 0x1a, '\n'};
  private static final int HEADER_BYTES = 28;
  private static final int CRC_BYTES = 4;
  private static final int CHUNK_BYTES = 1 << 20;
  private static final int MAX_RANK = 32;

  private CheckpointFile() {}

  // ---- writing ------------------------------------------------------------------------------

  /** Writes the checkpoint to {@code file} atomically, replacing any file of that name. */
  public static void write(Path file, Checkpoint checkpoint) throws IOException {
    AtomicFiles.write(file, out -> writeTo(out, checkpoint));
  }

  /** Serialises the checkpoint; the seam {@link #write} and the failure tests share. */
  static void writeTo(OutputStream out, Checkpoint checkpoint) throws IOException {
    byte[] metadata = metadata(checkpoint);
    long dataBytes = 0;
    for (Map<String, NpyArray> arrays : groups(checkpoint)) {
      for (NpyArray a : arrays.values()) {
        dataBytes += 4L * a.data().length;
      }
    }
    long fileLength = HEADER_BYTES + metadata.length + CRC_BYTES + dataBytes + CRC_BYTES;

    Checksum all = new CRC32C();
    Checksum head = new CRC32C();
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(FORMAT_VERSION).putInt(0).putLong(fileLength).putInt(metadata.length);
    for (byte[] bytes : new byte[][] {header.array(), metadata}) {
      head.update(bytes, 0, bytes.length);
      all.update(bytes, 0, bytes.length);
      out.write(bytes);
    }
    byte[] headCrc = crcBytes(head);
    all.update(headCrc, 0, CRC_BYTES);
    out.write(headCrc);

    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (Map<String, NpyArray> arrays : groups(checkpoint)) {
      for (NpyArray a : arrays.values()) {
        float[] data = a.data();
        for (int done = 0; done < data.length; ) {
          int n = Math.min(data.length - done, CHUNK_BYTES / 4);
          view.clear();
          view.asFloatBuffer().put(data, done, n);
          all.update(chunk, 0, 4 * n);
          out.write(chunk, 0, 4 * n);
          done += n;
        }
      }
    }
    out.write(crcBytes(all));
    out.flush();
  }

  private static byte[] metadata(Checkpoint c) {
    Encoder e = new Encoder();
    e.putInt(c.epoch());
    e.putLong(c.step());
    e.putString(c.config());
    e.putInt(c.state().size());
    c.state()
        .forEach(
            (k, v) -> {
              e.putString(k);
              e.putString(v);
            });
    for (Map<String, NpyArray> arrays : groups(c)) {
      e.putInt(arrays.size());
      arrays.forEach(
          (name, array) -> {
            e.putString(name);
            int[] shape = array.shape();
            e.putInt(shape.length);
            for (int d : shape) {
              e.putInt(d);
            }
          });
    }
    return e.bytes.toByteArray();
  }

  private static byte[] crcBytes(Checksum crc) {
    return ByteBuffer.allocate(CRC_BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc.getValue())
        .array();
  }

  private static List<Map<String, NpyArray>> groups(Checkpoint c) {
    return List.of(c.parameters(), c.optimizerState());
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Reads a checkpoint, verifying both checksums before returning it.
   *
   * @throws FileFormatException naming the file if it is not an alexnet4j checkpoint, is of another
   *     format version, truncated ("truncated at byte N") or corrupt ("checksum mismatch")
   */
  public static Checkpoint read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Reader reader = new Reader(channel, file.toString());
      Head head = reader.head();
      Map<String, NpyArray> parameters = reader.arrays(head.parameterShapes);
      Map<String, NpyArray> optimizerState = reader.arrays(head.optimizerShapes);
      reader.verifyTrailer();
      return new Checkpoint(
          head.config, head.epoch, head.step, head.state, parameters, optimizerState);
    }
  }

  /**
   * Reads the header and metadata only (verified by their own checksum; the arrays are neither read
   * nor verified).
   */
  public static CheckpointSummary readSummary(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Head head = new Reader(channel, file.toString()).head();
      return new CheckpointSummary(head.config, head.epoch, head.step, head.state, head.length);
    }
  }

  /** The header and metadata, verified. */
  private record Head(
      long length,
      int epoch,
      long step,
      String config,
      Map<String, String> state,
      Map<String, int[]> parameterShapes,
      Map<String, int[]> optimizerShapes) {}

  /** Reads a checkpoint front to back, keeping the position and the running checksum. */
  private static final class Reader {
    final FileChannel channel;
    final String source;
    final Checksum all = new CRC32C();
    long position;
    long size;

    Reader(FileChannel channel, String source) {
      this.channel = channel;
      this.source = source;
    }

    Head head() throws IOException {
      size = channel.size();
      byte[] magic = new byte[(int) Math.min(MAGIC.length, size)];
      readFully(ByteBuffer.wrap(magic));
      if (!Arrays.equals(magic, 0, magic.length, MAGIC, 0, magic.length)) {
        throw failure("not an alexnet4j checkpoint (the file does not start with its magic)");
      }
      if (size < HEADER_BYTES) {
        throw failure(
            "truncated at byte " + size + " (an alexnet4j checkpoint header is 28 bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      header.put(magic);
      readFully(header);
      int version = header.getInt(8);
      int flags = header.getInt(12);
      long length = header.getLong(16);
      long metadataLength = header.getInt(24) & 0xffffffffL;
      if (version != FORMAT_VERSION) {
        throw failure(
            "checkpoint format version "
                + Integer.toUnsignedString(version)
                + " is not supported (this build reads version "
                + FORMAT_VERSION
                + ")");
      }
      long metadataEnd = HEADER_BYTES + metadataLength + CRC_BYTES;
      if (metadataEnd > size) {
        // Either the file was cut inside the metadata or the header is damaged; the declared
        // length tells which, as far as it can be trusted.
        if (length > size) {
          throw failure(truncated(length));
        }
        throw failure(
            "corrupt header: metadata of "
                + metadataLength
                + " bytes would run past the end of the "
                + size
                + "-byte file");
      }
      byte[] metadata = new byte[(int) metadataLength];
      readFully(ByteBuffer.wrap(metadata));
      Checksum head = new CRC32C();
      head.update(header.array(), 0, HEADER_BYTES);
      head.update(metadata, 0, metadata.length);
      all.update(header.array(), 0, HEADER_BYTES);
      all.update(metadata, 0, metadata.length);
      int stored = readCrc();
      if (stored != (int) head.getValue()) {
        throw failure(
            String.format(
                "checksum mismatch in the header and metadata (stored %08x, computed %08x):"
                    + " the file is corrupt",
                stored, (int) head.getValue()));
      }
      // From here the header is trusted: the length and the array table are as written.
      if (length > size) {
        throw failure(truncated(length));
      }
      if (length < size) {
        throw failure(
            (size - length)
                + " unexpected bytes after the end of the checkpoint at byte "
                + length);
      }
      if (flags != 0) {
        throw failure(
            "uses flags " + Integer.toHexString(flags) + " that this build does not know");
      }
      Head parsed = decode(metadata, length);
      long dataBytes = 0;
      for (Map<String, int[]> shapes : List.of(parsed.parameterShapes, parsed.optimizerShapes)) {
        for (int[] shape : shapes.values()) {
          dataBytes += 4 * NpyArray.elementCount(shape);
        }
      }
      if (metadataEnd + dataBytes + CRC_BYTES != length) {
        throw failure(
            "corrupt: the array table describes "
                + dataBytes
                + " bytes of data but the header declares a "
                + length
                + "-byte file");
      }
      return parsed;
    }

    Map<String, NpyArray> arrays(Map<String, int[]> shapes) throws IOException {
      Map<String, NpyArray> out = new LinkedHashMap<>();
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, int[]> e : shapes.entrySet()) {
        float[] data = new float[(int) NpyArray.elementCount(e.getValue())];
        for (int done = 0; done < data.length; ) {
          int n = Math.min(data.length - done, CHUNK_BYTES / 4);
          chunk.clear().limit(4 * n);
          readFully(chunk);
          all.update(chunk.array(), 0, 4 * n);
          chunk.flip();
          chunk.asFloatBuffer().get(data, done, n);
          done += n;
        }
        out.put(e.getKey(), new NpyArray(e.getValue(), data));
      }
      return out;
    }

    void verifyTrailer() throws IOException {
      int computed = (int) all.getValue();
      int stored = readCrc();
      if (stored != computed) {
        throw failure(
            String.format(
                "checksum mismatch (stored %08x, computed %08x): the file is corrupt",
                stored, computed));
      }
    }

    private int readCrc() throws IOException {
      ByteBuffer crc = ByteBuffer.allocate(CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      readFully(crc);
      all.update(crc.array(), 0, CRC_BYTES);
      return crc.getInt(0);
    }

    /** Fills the buffer from the current position; the file may shrink while it is read. */
    private void readFully(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          throw failure("truncated at byte " + position + " (it shrank while being read)");
        }
        position += n;
      }
    }

    private String truncated(long declared) {
      return "truncated at byte " + size + " (the header declares " + declared + " bytes)";
    }

    private Head decode(byte[] metadata, long length) throws FileFormatException {
      ByteBuffer m = ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN);
      try {
        int epoch = m.getInt();
        long step = m.getLong();
        if (epoch < 0 || step < 0) {
          throw failure("corrupt metadata: epoch " + epoch + ", step " + step);
        }
        String config = string(m);
        int stateCount = count(m);
        Map<String, String> state = new LinkedHashMap<>();
        for (int i = 0; i < stateCount; i++) {
          state.put(string(m), string(m));
        }
        Map<String, int[]> parameters = shapes(m);
        Map<String, int[]> optimizer = shapes(m);
        if (m.hasRemaining()) {
          throw failure("corrupt metadata: " + m.remaining() + " bytes left over");
        }
        return new Head(length, epoch, step, config, state, parameters, optimizer);
      } catch (BufferUnderflowException e) {
        throw failure("corrupt metadata: it ends inside an entry");
      }
    }

    private Map<String, int[]> shapes(ByteBuffer m) throws FileFormatException {
      int n = count(m);
      Map<String, int[]> shapes = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = string(m);
        int rank = count(m);
        if (rank > MAX_RANK) {
          throw failure("corrupt metadata: array " + name + " has rank " + rank);
        }
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
          shape[d] = count(m);
        }
        if (shapes.put(name, shape) != null) {
          throw failure("corrupt metadata: array " + name + " appears twice");
        }
        long elements;
        try {
          elements = NpyArray.elementCount(shape);
        } catch (ArithmeticException e) {
          elements = Long.MAX_VALUE;
        }
        if (elements > Integer.MAX_VALUE - 8) {
          throw failure(
              "array " + name + " of shape " + Arrays.toString(shape) + " is too large to load");
        }
      }
      return shapes;
    }

    private int count(ByteBuffer m) throws FileFormatException {
      int n = m.getInt();
      if (n < 0) {
        throw failure("corrupt metadata: count " + Integer.toUnsignedString(n));
      }
      return n;
    }

    private String string(ByteBuffer m) throws FileFormatException {
      int n = m.getInt();
      if (n < 0 || n > m.remaining()) {
        throw failure("corrupt metadata: a string of " + Integer.toUnsignedString(n) + " bytes");
      }
      byte[] b = new byte[n];
      m.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private FileFormatException failure(String problem) {
      return new FileFormatException(source, problem);
    }
  }

  /** Little-endian metadata encoding. */
  private static final class Encoder {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void putInt(int v) {
      bytes.write(scratch.clear().putInt(v).array(), 0, 4);
    }

    void putLong(long v) {
      bytes.write(scratch.clear().putLong(v).array(), 0, 8);
    }

    void putString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      putInt(b.length);
      bytes.write(b, 0, b.length);
    }
  }
}
