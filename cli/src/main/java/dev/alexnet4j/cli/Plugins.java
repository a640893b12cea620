package dev.alexnet4j.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The user's jars the command line loads (layers, their Guice modules and reference.conf, even
 * backends), from, in this order:
 *
 * <ol>
 *   <li>the plug-in folder {@code ~/.alexnet4j/plugins}: every {@code *.jar} in it (a missing
 *       folder is no error);
 *   <li>{@code ALEXNET4J_PLUGINS}: a path list ({@code :} between entries, {@code ;} on Windows),
 *       each a jar or a folder of jars;
 *   <li>{@code --plugins PATHS}, the same form, anywhere on the command line and repeatable.
 * </ol>
 *
 * <p>They go into one {@link URLClassLoader} over the command's own class path, which becomes the
 * thread context class loader before any command runs: config ({@code reference.conf}), {@code
 * alexnet4j.modules}, Guice and the {@link java.util.ServiceLoader} look-ups all use it, so {@code
 * train}, {@code eval}, {@code predict} and the rest see the same classes, and a checkpoint trained
 * with a user's layer evaluates the same way.
 */
final class Plugins {
  static final String ENVIRONMENT = "ALEXNET4J_PLUGINS";
  static final String OPTION = "--plugins";

  private Plugins() {}

  /** The default plug-in folder, {@code ~/.alexnet4j/plugins}. */
  static Path defaultFolder() {
    return Path.of(System.getProperty("user.home"), ".alexnet4j", "plugins");
  }

  /** The command line without its {@code --plugins} options (up to a {@code --}). */
  static List<String> withoutOption(String[] args) {
    List<String> rest = new ArrayList<>();
    boolean options = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (options && a.equals("--")) {
        options = false;
      } else if (options && a.equals(OPTION)) {
        i++;
        continue;
      } else if (options && a.startsWith(OPTION + "=")) {
        continue;
      }
      rest.add(a);
    }
    return rest;
  }

  /**
   * The values of the {@code --plugins} options (up to a {@code --}).
   *
   * @throws UserError when the last argument is {@code --plugins} without a value
   */
  static List<String> optionValues(String[] args) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        break;
      }
      if (a.equals(OPTION)) {
        if (i + 1 >= args.length) {
          throw new UserError(
              OPTION
                  + " needs a value: jars or folders of jars, separated by '"
                  + File.pathSeparator
                  + "'");
        }
        values.add(args[++i]);
      } else if (a.startsWith(OPTION + "=")) {
        values.add(a.substring(OPTION.length() + 1));
      }
    }
    return values;
  }

  /**
   * The jars to load, each once, in order: the folder's (sorted by name), then {@code
   * environment}'s entries, then each option's.
   *
   * @param folder the plug-in folder; skipped when null or missing
   * @param environment the value of {@code ALEXNET4J_PLUGINS}, or null
   * @param options the values of the {@code --plugins} options
   * @throws UserError naming the entry and where it came from when a named path is missing or is
   *     neither a jar nor a folder
   */
  static List<Path> jars(Path folder, String environment, List<String> options) {
    Set<Path> jars = new LinkedHashSet<>();
    if (folder != null && Files.isDirectory(folder)) {
      jars.addAll(jarsIn(folder, "the plug-in folder " + folder));
    }
    if (environment != null) {
      addPathList(jars, environment, ENVIRONMENT);
    }
    for (String value : options) {
      addPathList(jars, value, OPTION);
    }
    return List.copyOf(jars);
  }

  private static void addPathList(Set<Path> jars, String list, String source) {
    for (String entry : list.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry.strip()).toAbsolutePath().normalize();
      if (Files.isDirectory(path)) {
        jars.addAll(jarsIn(path, source + " folder " + path));
      } else if (Files.isRegularFile(path)) {
        if (!path.getFileName().toString().endsWith(".jar")) {
          throw new UserError(
              source + ": " + path + " is not a jar (name a .jar file or a folder of jars)");
        }
        jars.add(path);
      } else {
        throw new UserError(source + ": no such jar or folder: " + path);
      }
    }
  }

  private static List<Path> jarsIn(Path folder, String what) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
          .map(p -> p.toAbsolutePath().normalize())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + what, e);
    }
  }

  /** A class loader over {@code jars} whose parent is {@code parent}; {@code parent} when none. */
  static ClassLoader loader(List<Path> jars, ClassLoader parent) {
    if (jars.isEmpty()) {
      return parent;
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("plug-in path " + jars.get(i), e);
      }
    }
    return new URLClassLoader("alexnet4j-plugins", urls, parent);
  }
}
