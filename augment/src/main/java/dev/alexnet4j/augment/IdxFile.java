package dev.alexnet4j.augment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte IDX array as MNIST and Fashion-MNIST ship them: magic {@code 0 0 0x08 rank},
 * {@code rank} big-endian int32 dimensions, then the bytes row-major. Gzipped files (the usual
 * {@code .gz} downloads) are recognised by their content and unpacked in memory.
 */
final class IdxFile {
  private static final int UNSIGNED_BYTE = 0x08;

  private final int[] dims;
  private final byte[] data;
  private final int dataOffset;

  private IdxFile(int[] dims, byte[] data, int dataOffset) {
    this.dims = dims;
    this.data = data;
    this.dataOffset = dataOffset;
  }

  static IdxFile read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
      throw new DatasetException(
          file.toAbsolutePath()
              + " is not an IDX file: it does not start with the magic 0 0 type rank");
    }
    int type = bytes[2] & 0xff;
    int rank = bytes[3] & 0xff;
    if (type != UNSIGNED_BYTE) {
      throw new DatasetException(
          String.format(
              "%s: IDX element type 0x%02x is not supported; only unsigned bytes (0x08), as in"
                  + " MNIST",
              file.toAbsolutePath(), type));
    }
    if (rank == 0 || bytes.length < 4 + 4 * rank) {
      throw new DatasetException(
          file.toAbsolutePath() + ": IDX header of rank " + rank + " is cut short");
    }
    buf.position(4);
    int[] dims = new int[rank];
    long expected = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = buf.getInt();
      if (dims[i] <= 0) {
        throw new DatasetException(
            file.toAbsolutePath()
                + ": IDX dimension "
                + i
                + " is "
                + dims[i]
                + ", must be positive");
      }
      expected *= dims[i];
    }
    int offset = 4 + 4 * rank;
    if (bytes.length - offset != expected) {
      throw new DatasetException(
          file.toAbsolutePath()
              + ": IDX header "
              + Arrays.toString(dims)
              + " needs "
              + expected
              + " bytes of data, the file has "
              + (bytes.length - offset)
              + " (truncated or not IDX?)");
    }
    return new IdxFile(dims, bytes, offset);
  }

  int[] dims() {
    return dims.clone();
  }

  int rank() {
    return dims.length;
  }

  int dim(int i) {
    return dims[i];
  }

  /** Element {@code i} of the flattened array, in 0..255. */
  int get(long i) {
    return data[(int) (dataOffset + i)] & 0xff;
  }

  /** The raw bytes and the offset of element 0 in them. */
  byte[] data() {
    return data;
  }

  int dataOffset() {
    return dataOffset;
  }
}
