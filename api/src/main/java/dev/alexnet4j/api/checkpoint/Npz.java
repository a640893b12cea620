package dev.alexnet4j.api.checkpoint;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip file with one {@code <name>.npy} entry per
 * array, as {@code numpy.savez} (stored) and {@code numpy.savez_compressed} (deflated) write them.
 * The array {@code conv1.weight} is the entry {@code conv1.weight.npy}.
 */
public final class Npz {
  /** The entry name suffix of every array. */
  public static final String ENTRY_SUFFIX = ".npy";

  private Npz() {}

  /** How entries are written; numpy reads both. */
  public enum Compression {
    /** Like {@code numpy.savez}: fast, and float weights hardly compress anyway. */
    STORED,
    /** Like {@code numpy.savez_compressed}: smaller files, slower to write and read. */
    DEFLATED
  }

  /**
   * Reads every array, in archive order, by name (the entry name without {@code .npy}). Stored and
   * deflated entries are both read; each entry's CRC-32 is checked.
   *
   * @throws FileFormatException naming the file and entry if the archive is not a readable zip, an
   *     entry is not a {@code .npy}, is corrupt, or a name appears twice
   */
  public static Map<String, NpyArray> read(Path file) throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new FileFormatException(
          file.toString(), "not a readable .npz (zip) archive: " + e.getMessage(), e);
    }
    try (zip) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String source = file + " entry " + entry.getName();
        if (entry.isDirectory() || !entry.getName().endsWith(ENTRY_SUFFIX)) {
          throw new FileFormatException(
              source, "is not a .npy array; an .npz holds only <name>.npy entries");
        }
        String name =
            entry.getName().substring(0, entry.getName().length() - ENTRY_SUFFIX.length());
        CRC32 crc = new CRC32();
        NpyArray array;
        try (InputStream in =
            new CheckedInputStream(
                new BufferedInputStream(zip.getInputStream(entry), 1 << 16), crc)) {
          array = Npy.read(in, source);
        } catch (ZipException | EOFException e) {
          // Deflated data that ends early or does not inflate surfaces here, not as a .npy error.
          throw new FileFormatException(source, "corrupt entry: " + e.getMessage(), e);
        }
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
          throw new FileFormatException(
              source,
              String.format(
                  "checksum mismatch (the archive says CRC-32 %08x, the data has %08x)",
                  entry.getCrc(), crc.getValue()));
        }
        if (arrays.put(name, array) != null) {
          throw new FileFormatException(source, "array '" + name + "' appears twice");
        }
      }
    }
    return Collections.unmodifiableMap(arrays);
  }

  /** Writes the arrays, stored (as {@code numpy.savez} does), atomically. */
  public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
    write(file, arrays, Compression.STORED);
  }

  /**
   * Writes the arrays in map order as {@code <name>.npy} entries, atomically: the file is either
   * the complete new archive or as it was.
   */
  public static void write(Path file, Map<String, NpyArray> arrays, Compression compression)
      throws IOException {
    for (String name : arrays.keySet()) {
      if (name.isEmpty()) {
        throw new IllegalArgumentException(file + ": an array name must not be empty");
      }
    }
    AtomicFiles.write(file, out -> write(out, arrays, compression));
  }

  /** Writes the archive to the stream, which is flushed, not closed. */
  public static void write(OutputStream out, Map<String, NpyArray> arrays, Compression compression)
      throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(new NonClosing(out))) {
      writeEntries(zip, arrays, compression);
    }
  }

  private static void writeEntries(
      ZipOutputStream zip, Map<String, NpyArray> arrays, Compression compression)
      throws IOException {
    for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
      ZipEntry entry = new ZipEntry(e.getKey() + ENTRY_SUFFIX);
      if (compression == Compression.STORED) {
        // A stored entry's header carries its size and CRC, so they are worked out first by
        // serialising into a checksum alone: no second copy of the array in memory.
        CRC32 crc = new CRC32();
        Npy.write(new CheckedOutputStream(OutputStream.nullOutputStream(), crc), e.getValue());
        long size = Npy.byteSize(e.getValue().shape());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc.getValue());
      } else {
        entry.setMethod(ZipEntry.DEFLATED);
      }
      zip.putNextEntry(entry);
      Npy.write(zip, e.getValue());
      zip.closeEntry();
    }
  }

  /**
   * Lets the {@code ZipOutputStream} be closed (freeing its deflater) but not the caller's stream.
   */
  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
