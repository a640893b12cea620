package dev.alexnet4j.backend.cudnn;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the dynamic loader would look for a shared library: {@code LD_LIBRARY_PATH}, JCuda's
 * RUNPATH {@code /usr/local/cuda/lib64}, the usual system directories and the loader's cache
 * ({@code /etc/ld.so.cache}). Used for a library that is opened later, from inside another one,
 * where a miss aborts the JVM instead of throwing: cuDNN 8.6 opens the unversioned {@code
 * libnvrtc.so} at run time (docs/BACKEND-NOTES.md).
 */
class LibraryFiles {
  private static final Path LOADER_CACHE = Path.of("/etc/ld.so.cache");

  /** The directories searched, in order. */
  List<Path> directories() {
    Set<String> dirs = new LinkedHashSet<>();
    String ld = System.getenv("LD_LIBRARY_PATH");
    if (ld != null) {
      for (String d : ld.split(File.pathSeparator)) {
        if (!d.isBlank()) {
          dirs.add(d);
        }
      }
    }
    dirs.add("/usr/local/cuda/lib64");
    dirs.add("/usr/lib/x86_64-linux-gnu");
    dirs.add("/usr/lib64");
    dirs.add("/lib64");
    List<Path> out = new ArrayList<>();
    for (String d : dirs) {
      out.add(Path.of(d));
    }
    return out;
  }

  /** Whether the loader would find {@code fileName}. */
  boolean findable(String fileName) {
    for (Path dir : directories()) {
      if (Files.exists(dir.resolve(fileName))) {
        return true;
      }
    }
    return inLoaderCache(fileName);
  }

  /** The cache holds NUL-terminated full paths: look for "/name\0". */
  private static boolean inLoaderCache(String fileName) {
    byte[] cache;
    try {
      cache = Files.readAllBytes(LOADER_CACHE);
    } catch (IOException | SecurityException e) {
      return false;
    }
    byte[] needle = ("/" + fileName + "\0").getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= cache.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (cache[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
