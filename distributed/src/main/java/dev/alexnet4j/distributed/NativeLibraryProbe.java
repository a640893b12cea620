package dev.alexnet4j.distributed;

import com.sun.jna.NativeLibrary;
import java.util.Optional;

/**
 * Whether a shared library can be loaded, asked without letting the loader's {@link LinkageError}
 * escape: availability checks must answer, never throw.
 */
final class NativeLibraryProbe {
  private NativeLibraryProbe() {}

  /** Empty when {@code soname} loads; otherwise the loader's reason, on one line. */
  static Optional<String> whyNotLoadable(String soname) {
    try {
      NativeLibrary.getInstance(soname);
      return Optional.empty();
    } catch (LinkageError | RuntimeException e) {
      return Optional.of(oneLine(e.getMessage()));
    }
  }

  static String oneLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    // JNA lists every path it tried, one per line, after a first line ending in ':' that says
    // what failed; the line after it is dlopen's reason.
    String[] lines = message.trim().split("\\R");
    String first = lines[0].trim();
    return first.endsWith(":") && lines.length > 1 ? first + " " + lines[1].trim() : first;
  }
}
