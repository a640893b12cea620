package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The class names of a run in label order, one per line, kept beside the run ({@value #FILE_NAME})
 * so predictions can be mapped back to names long after the data folder has moved.
 */
public final class ClassIndex {
  /** File name inside a run folder. */
  public static final String FILE_NAME = "classes.txt";

  private ClassIndex() {}

  /**
   * Writes {@code classNames} to {@code runDir/classes.txt}, replacing it atomically.
   *
   * @return the file written
   */
  public static Path write(Path runDir, List<String> classNames) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < classNames.size(); i++) {
      String name = classNames.get(i);
      if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "class " + i + " has name '" + name + "': names must be non-empty, on one line");
      }
      text.append(name).append('\n');
    }
    Files.createDirectories(runDir);
    Path file = runDir.resolve(FILE_NAME);
    // Not Files.createTempFile: its owner-only permissions would carry over to the index.
    Path temp = runDir.resolve(FILE_NAME + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return file;
  }

  /** Reads a file written by {@link #write}: line {@code i} is the name of label {@code i}. */
  public static List<String> read(Path file) throws IOException {
    return List.copyOf(Files.readAllLines(file, StandardCharsets.UTF_8));
  }
}
