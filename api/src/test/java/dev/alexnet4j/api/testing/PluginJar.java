package dev.alexnet4j.api.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A plug-in jar made in a test: only {@code META-INF/services} files naming test classes, which its
 * class loader finds on the test class path. Shows that a plug-in is found as a user's jar is,
 * without letting the test's own implementations into every other test's registries.
 */
public final class PluginJar {
  private PluginJar() {}

  /**
   * Writes {@code jar} listing, for each service interface, the implementation mapped to it.
   *
   * @return {@code jar}
   */
  public static Path write(Path jar, Map<Class<?>, Class<?>> implementations) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Map.Entry<Class<?>, Class<?>> e : implementations.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey().getName()));
        out.write((e.getValue().getName() + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** A class loader over {@code jar} whose parent is the test's: what the command line builds. */
  public static URLClassLoader loader(Path jar) {
    try {
      return new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginJar.class.getClassLoader());
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }
}
