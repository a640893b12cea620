package dev.alexnet4j.api.checkpoint;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes one NumPy {@code .npy} array (format versions 1.0, 2.0 and 3.0, as {@code
 * numpy.lib.format} defines them).
 *
 * <p>Writing gives what {@code numpy.save} gives for a C-ordered float32 array: the magic {@code
 * \x93NUMPY}, version 1.0 (2.0 only for a header longer than 65535 bytes), the header dict {@code
 * {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and a newline to
 * a multiple of 64 bytes, then the little-endian values.
 *
 * <p>Reading accepts float32 and float64 of either byte order ({@code '<f4'}, {@code '>f4'}, {@code
 * '<f8'}, {@code '>f8'}) in C order and converts them to float; anything else (integers, structured
 * dtypes, Fortran order, object arrays) is refused with a message naming the source.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGNMENT = 64;
  private static final int CHUNK_BYTES = 1 << 20;

  private Npy() {}

  // ---- reading ------------------------------------------------------------------------------

  /** Reads the {@code .npy} file. */
  public static NpyArray read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK_BYTES)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads one array from the stream, which must end right after it.
   *
   * @param source what to call the stream in errors, e.g. {@code weights.npz entry fc6.weight.npy}
   */
  public static NpyArray read(InputStream in, String source) throws IOException {
    Counting counted = new Counting(in);
    byte[] magic = new byte[MAGIC.length + 2];
    int got = counted.read(magic, magic.length);
    int compared = Math.min(got, MAGIC.length);
    if (!Arrays.equals(magic, 0, compared, MAGIC, 0, compared)) {
      throw new FileFormatException(
          source, "not a .npy array: it does not start with the magic string \\x93NUMPY");
    }
    if (got < magic.length) {
      throw new FileFormatException(
          source, "truncated at byte " + got + " while reading the magic string and version");
    }
    int major = magic[6] & 0xff;
    int minor = magic[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new FileFormatException(
          source,
          ".npy format version " + major + "." + minor + " is not supported (1.0, 2.0 or 3.0)");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    ByteBuffer lengthField =
        ByteBuffer.wrap(counted.readFully(lengthBytes, source, "the header length"))
            .order(ByteOrder.LITTLE_ENDIAN);
    long headerLength =
        major == 1 ? lengthField.getShort() & 0xffff : lengthField.getInt() & 0xffffffffL;
    if (headerLength > Integer.MAX_VALUE - 8) {
      throw new FileFormatException(source, "header length " + headerLength + " is not plausible");
    }
    byte[] headerBytes = counted.readFully((int) headerLength, source, "the header");
    // Versions 1 and 2 are latin-1; 3 allows UTF-8 (for structured field names we refuse anyway).
    String header =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Header parsed = Header.parse(header, source);

    long count;
    try {
      count = NpyArray.elementCount(parsed.shape);
    } catch (ArithmeticException e) {
      count = Long.MAX_VALUE;
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new FileFormatException(
          source,
          "shape "
              + Arrays.toString(parsed.shape)
              + " has "
              + count
              + " elements, more than a Java array holds");
    }
    float[] data = new float[(int) count];
    readValues(counted, parsed.dtype, data, source);
    if (counted.in.read() != -1) {
      throw new FileFormatException(
          source,
          "unexpected bytes after the data of shape "
              + Arrays.toString(parsed.shape)
              + " (ends at byte "
              + counted.position
              + ")");
    }
    return new NpyArray(parsed.shape, data);
  }

  private static void readValues(Counting in, Dtype dtype, float[] data, String source)
      throws IOException {
    long total = (long) data.length * dtype.size;
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, Math.max(total, 8))];
    ByteBuffer view = ByteBuffer.wrap(chunk).order(dtype.order);
    int done = 0;
    long dataStart = in.position;
    while (done < data.length) {
      int n = Math.min(data.length - done, chunk.length / dtype.size);
      int got = in.read(chunk, n * dtype.size);
      if (got < n * dtype.size) {
        throw new FileFormatException(
            source,
            "truncated at byte "
                + in.position
                + ": the data needs "
                + total
                + " bytes after the header but only "
                + (in.position - dataStart)
                + " are there");
      }
      view.clear();
      if (dtype.size == 4) {
        view.asFloatBuffer().get(data, done, n);
      } else {
        for (int i = 0; i < n; i++) {
          data[done + i] = (float) view.getDouble(i * 8);
        }
      }
      done += n;
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Writes the array to a {@code .npy} file, atomically (the file is whole or as it was). */
  public static void write(Path file, NpyArray array) throws IOException {
    AtomicFiles.write(file, out -> write(out, array));
  }

  /** Writes the array to the stream; the stream is flushed, not closed. */
  public static void write(OutputStream out, NpyArray array) throws IOException {
    out.write(header(array.shape()));
    float[] data = array.data();
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, Math.max(4L * data.length, 4))];
    ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < data.length; ) {
      int n = Math.min(data.length - done, chunk.length / 4);
      view.clear();
      view.asFloatBuffer().put(data, done, n);
      out.write(chunk, 0, 4 * n);
      done += n;
    }
    out.flush();
  }

  /** The bytes {@link #write(OutputStream, NpyArray)} writes for an array of this shape. */
  public static long byteSize(int[] shape) {
    return header(shape).length + 4 * NpyArray.elementCount(shape);
  }

  /** Magic, version, header length and the padded header dict, as {@code numpy.save} makes it. */
  static byte[] header(int[] shape) {
    StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      dict.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    // A 1-tuple is written (n,) in Python; an empty tuple ().
    dict.append(shape.length == 1 ? ",), }" : "), }");
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    boolean v1 = MAGIC.length + 2 + 2 + text.length + 1 + ALIGNMENT <= 0xffff;
    int prefix = MAGIC.length + 2 + (v1 ? 2 : 4);
    // As numpy's _wrap_header: pad so that the data starts on a 64-byte boundary, so it can be
    // memory-mapped aligned; the header always ends in '\n'.
    int unpadded = text.length + 1;
    int padding = ALIGNMENT - ((prefix + unpadded) % ALIGNMENT);
    if (padding == ALIGNMENT) {
      padding = 0;
    }
    int headerLength = unpadded + padding;
    ByteBuffer b = ByteBuffer.allocate(prefix + headerLength).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
    if (v1) {
      b.putShort((short) headerLength);
    } else {
      b.putInt(headerLength);
    }
    b.put(text);
    for (int i = 0; i < padding; i++) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  // ---- header ---------------------------------------------------------------------------------

  private enum Dtype {
    F4_LITTLE("<f4", 4, ByteOrder.LITTLE_ENDIAN),
    F4_BIG(">f4", 4, ByteOrder.BIG_ENDIAN),
    F8_LITTLE("<f8", 8, ByteOrder.LITTLE_ENDIAN),
    F8_BIG(">f8", 8, ByteOrder.BIG_ENDIAN);

    final String descr;
    final int size;
    final ByteOrder order;

    Dtype(String descr, int size, ByteOrder order) {
      this.descr = descr;
      this.size = size;
      this.order = order;
    }

    static Dtype of(String descr, String source) throws FileFormatException {
      for (Dtype d : values()) {
        if (d.descr.equals(descr)) {
          return d;
        }
      }
      throw new FileFormatException(
          source, "dtype '" + descr + "' is not supported (supported: '<f4', '>f4', '<f8', '>f8')");
    }
  }

  /**
   * The header dict, a Python literal such as {@code {'descr': '<f4', 'fortran_order': False,
   * 'shape': (2, 3), }}: parsed by a small recursive-descent reader of exactly the literals numpy
   * writes there (strings, booleans, tuples of integers), never evaluated.
   */
  private static final class Header {
    final Dtype dtype;
    final int[] shape;

    private Header(Dtype dtype, int[] shape) {
      this.dtype = dtype;
      this.shape = shape;
    }

    static Header parse(String text, String source) throws FileFormatException {
      Parser p = new Parser(text, source);
      Map<String, Object> dict = p.dict();
      p.skipSpace();
      if (p.pos != text.length()) {
        throw p.error("unexpected text after the header dict");
      }
      for (String key : List.of("descr", "fortran_order", "shape")) {
        if (!dict.containsKey(key)) {
          throw new FileFormatException(source, "header has no '" + key + "': " + text.strip());
        }
      }
      if (dict.size() != 3) {
        throw new FileFormatException(
            source,
            "header has keys "
                + dict.keySet()
                + "; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
      }
      if (!(dict.get("descr") instanceof String descr)) {
        throw new FileFormatException(
            source, "structured dtype " + dict.get("descr") + " is not supported (a float array)");
      }
      Dtype dtype = Dtype.of(descr, source);
      if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
        throw new FileFormatException(
            source, "'fortran_order' is " + dict.get("fortran_order") + ", not True or False");
      }
      if (fortran) {
        throw new FileFormatException(
            source,
            "fortran_order is True; only C-order arrays are supported"
                + " (save numpy.ascontiguousarray(a) instead)");
      }
      if (!(dict.get("shape") instanceof int[] shape)) {
        throw new FileFormatException(
            source, "'shape' is " + dict.get("shape") + ", not a tuple of integers");
      }
      return new Header(dtype, shape);
    }
  }

  /** A Python list in the header, kept as text: only a structured dtype is written as one. */
  private record ListLiteral(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private static final class Parser {
    final String text;
    final String source;
    int pos;

    Parser(String text, String source) {
      this.text = text;
      this.source = source;
    }

    Map<String, Object> dict() throws FileFormatException {
      skipSpace();
      expect('{');
      Map<String, Object> dict = new LinkedHashMap<>();
      skipSpace();
      while (peek() != '}') {
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        if (dict.put(key, value()) != null) {
          throw error("key '" + key + "' appears twice");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      pos++;
      return dict;
    }

    Object value() throws FileFormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      } else if (c == '(') {
        return tuple();
      } else if (text.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      } else if (text.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      } else if (c == '[') {
        // A list descr is a structured dtype; report it as such rather than as a syntax error.
        int depth = 0;
        int start = pos;
        do {
          char d = peek();
          depth += d == '[' ? 1 : d == ']' ? -1 : 0;
          pos++;
        } while (depth > 0);
        return new ListLiteral(text.substring(start, pos));
      }
      throw error("expected a string, True, False or a tuple");
    }

    String string() throws FileFormatException {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("expected a quoted string");
      }
      int end = text.indexOf(quote, pos + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String s = text.substring(pos + 1, end);
      pos = end + 1;
      return s;
    }

    int[] tuple() throws FileFormatException {
      expect('(');
      List<Integer> dims = new ArrayList<>();
      skipSpace();
      while (peek() != ')') {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error("expected a non-negative integer in the shape");
        }
        try {
          dims.add(Integer.parseInt(text.substring(start, pos)));
        } catch (NumberFormatException e) {
          throw error("dimension " + text.substring(start, pos) + " is too large");
        }
        if (peek() == 'L') {
          pos++; // Python 2 numpy wrote longs as 3L.
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != ')') {
          throw error("expected ',' or ')' in the shape");
        }
      }
      pos++;
      return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    char peek() throws FileFormatException {
      if (pos >= text.length()) {
        throw error("the header dict ends early");
      }
      return text.charAt(pos);
    }

    void expect(char c) throws FileFormatException {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    FileFormatException error(String problem) {
      return new FileFormatException(
          source,
          "malformed .npy header at character " + pos + " (" + problem + "): " + text.strip());
    }
  }

  // ---- byte counting --------------------------------------------------------------------------

  /** Reads fully and knows how far it got, so truncation errors can say where. */
  private static final class Counting {
    final InputStream in;
    long position;

    Counting(InputStream in) {
      this.in = in;
    }

    /** Reads up to {@code n} bytes into {@code buffer}, fewer only at the end of the stream. */
    int read(byte[] buffer, int n) throws IOException {
      int got = in.readNBytes(buffer, 0, n);
      position += got;
      return got;
    }

    byte[] readFully(int n, String source, String what) throws IOException {
      byte[] b = new byte[n];
      int got = read(b, n);
      if (got < n) {
        throw new FileFormatException(
            source, "truncated at byte " + position + " while reading " + what);
      }
      return b;
    }
  }
}
