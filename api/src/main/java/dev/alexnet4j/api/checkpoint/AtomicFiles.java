package dev.alexnet4j.api.checkpoint;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a
 * torn file: the bytes go to a temporary file in the target's directory, which is forced to the
 * disk and then renamed over the target.
 */
final class AtomicFiles {
  /** What the temporary files are called: {@code .<target name>.<16 hex digits>.tmp}. */
  static final String TEMPORARY_SUFFIX = ".tmp";

  private static final int BUFFER_BYTES = 1 << 16;

  private AtomicFiles() {}

  /** Writes the content to an output stream; it may close the stream or leave it open. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code content} writes. If writing, forcing or renaming
   * fails, the temporary file is deleted and {@code target} is left as it was.
   */
  static void write(Path target, Content content) throws IOException {
    Path temporary = createTemporary(target);
    boolean published = false;
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(new KeepOpen(channel), BUFFER_BYTES);
        content.writeTo(out);
        out.flush();
        // The rename below must not reach the disk before the data: otherwise a crash right
        // after it could leave the target name pointing at a file of zeros.
        channel.force(true);
      }
      publish(temporary, target);
      published = true;
    } finally {
      if (!published) {
        deleteQuietly(temporary);
      }
    }
  }

  /**
   * Makes {@code target} a second name of {@code source}'s content, atomically: a hard link where
   * the file system has them (no copy of half a gigabyte), else a forced copy, then a rename.
   */
  static void publishCopy(Path source, Path target) throws IOException {
    Path temporary = temporaryName(target);
    boolean published = false;
    try {
      try {
        Files.createLink(temporary, source);
      } catch (UnsupportedOperationException | IOException noLinks) {
        deleteQuietly(temporary);
        Files.copy(source, temporary);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      publish(temporary, target);
      published = true;
    } finally {
      if (!published) {
        deleteQuietly(temporary);
      }
    }
  }

  /**
   * The target name of one of the temporary files this class makes ({@code .<target>.<16 hex
   * digits>.tmp}), or null if {@code fileName} is not one: for cleaning up after a crash.
   */
  static String targetOfTemporary(String fileName) {
    int random = fileName.length() - TEMPORARY_SUFFIX.length() - 16;
    if (!fileName.startsWith(".")
        || !fileName.endsWith(TEMPORARY_SUFFIX)
        || random < 3
        || fileName.charAt(random - 1) != '.') {
      return null;
    }
    for (int i = random; i < random + 16; i++) {
      if (Character.digit(fileName.charAt(i), 16) < 0) {
        return null;
      }
    }
    return fileName.substring(1, random - 1);
  }

  private static Path createTemporary(Path target) throws IOException {
    // Not Files.createTempFile: it creates the file readable by the owner only, and the rename
    // would hand those permissions to the checkpoint. CREATE_NEW keeps the umask's permissions.
    for (int attempt = 0; ; attempt++) {
      Path temporary = temporaryName(target);
      try {
        Files.newByteChannel(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            .close();
        return temporary;
      } catch (FileAlreadyExistsException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static Path temporaryName(Path target) {
    Path absolute = target.toAbsolutePath();
    String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    return absolute.resolveSibling("." + absolute.getFileName() + "." + random + TEMPORARY_SUFFIX);
  }

  private static void publish(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Some file systems (certain network mounts) cannot rename atomically; a replacing move is
      // the best they offer, and the data is already forced, so at worst the old file is gone.
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(target.toAbsolutePath().getParent());
  }

  /** Makes the rename itself durable: on Linux it lives in the directory, not in the file. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; there the rename is durable on its own.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // The original failure is what the caller needs to see; a stray temporary file is not.
    }
  }

  /**
   * The channel as a stream whose {@code close} only flushes, so content that closes its stream (a
   * {@code ZipOutputStream} does) cannot close the channel before it is forced.
   */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(FileChannel channel) {
      super(Channels.newOutputStream(channel));
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
