package dev.alexnet4j.backend.cudnn.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Tags;
import org.w3c.dom.Element;

/**
 * Assembles {@code backend-cudnn/target/gpu-bundle}, everything the GPU machine needs to run this
 * module's GPU tests (it has no network and no Java, and a run carries at most 64 MiB). Run by the
 * build (exec:java, phase package) after the emulated GPU tests and the dependency copy:
 *
 * <ul>
 *   <li>{@code classes/}, {@code test-classes/}: this module's;
 *   <li>{@code lib/}: the jars the build copied (declared dependencies only, see the pom);
 *   <li>{@code natives/}: JCuda's JNI libraries from the natives jars on the class path, those of
 *       cuDNN, cuBLAS and NVRTC repointed at the newer sonames ({@link SonameRepoint});
 *   <li>{@code expected-gpu-tests.properties}: each GPU test class in the bundle with the number of
 *       tests the build's emulated run of it executed (all of them, none skipped), which the device
 *       run must reach ({@link GpuSuiteRun});
 *   <li>{@code jre/}: a jlink-made Java runtime; the scripts ({@code run-on-h200.sh}, {@code
 *       gpu-libs.sh}, {@code gpu-day.sh}; the cli module's build adds {@code day/} for the last).
 * </ul>
 *
 * <p>Fails (an exception, so the build fails) when a GPU class has no fresh passing emulated
 * report, a native cannot be repointed, or the bundle is over its size limit.
 *
 * <p>Arguments, {@code key=value}: bundle, classes, testClasses, jars, script (comma-separated),
 * emulatedReports, exclude (GPU classes left out, comma-separated), repoint ({@code old:new,...}),
 * maxMiB.
 */
public final class GpuBundle {
  /** JCuda's natives the backend loads; the classes find them on java.library.path. */
  static final List<String> NATIVES =
      List.of("JCudaRuntime", "JCudaDriver", "JNvrtc", "JCublas2", "JCudnn");

  /** Which native links which NVIDIA library, by its CUDA 11 / cuDNN 8 soname. */
  static final Map<String, String> LINKS =
      Map.of(
          "libcudnn.so.8", "JCudnn",
          "libcublas.so.11", "JCublas2",
          "libnvrtc.so.11.2", "JNvrtc");

  static final String SUFFIX = "-11.7.0-linux-x86_64.so";

  /** What the tests load: the JUnit launcher logs, logback reads XML, Guava wants Unsafe. */
  static final String JLINK_MODULES =
      "java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported";

  static final String EXPECTED_FILE = "expected-gpu-tests.properties";

  private GpuBundle() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Path bundle = Path.of(a.get("bundle"));
    Path testClasses = Path.of(a.get("testClasses"));
    deleteTree(bundle);
    Files.createDirectories(bundle);

    Map<String, Integer> expected =
        expectedCounts(
            testClasses, Path.of(a.get("emulatedReports")), csv(a.getOrDefault("exclude", "")));
    writeExpected(bundle.resolve(EXPECTED_FILE), expected);
    log("%d GPU test classes, %d tests expected", expected.size(), sum(expected));

    copyTree(Path.of(a.get("classes")), bundle.resolve("classes"));
    copyTree(testClasses, bundle.resolve("test-classes"));
    copyTree(Path.of(a.get("jars")), bundle.resolve("lib"));
    for (String name : a.get("script").split(",")) {
      Path script = Path.of(name.trim());
      Path scriptCopy = bundle.resolve(script.getFileName());
      Files.copy(script, scriptCopy);
      Files.setPosixFilePermissions(scriptCopy, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    writeNatives(bundle.resolve("natives"), repointMap(a.get("repoint")));
    jlink(bundle.resolve("jre"));

    long bytes = size(bundle);
    long maxMiB = Long.parseLong(a.getOrDefault("maxMiB", "60"));
    log("%s is %.1f MiB (limit %d MiB)", bundle, bytes / 1048576.0, maxMiB);
    if (bytes > maxMiB * 1048576) {
      throw new IllegalStateException(
          bundle
              + " is "
              + bytes / 1048576
              + " MiB, over the "
              + maxMiB
              + " MiB limit (a device run carries at most 64 MiB)");
    }
  }

  /**
   * The GPU test classes (tagged {@code gpu}, directly or through an annotation such as
   * {@code @RequiresCudnn}) under {@code testClasses}, less {@code excluded}, each with the number
   * of tests its emulated report says ran. Each must have a report newer than its class file, with
   * no test skipped, failed or in error: a bundle must not take a bad run as its baseline.
   */
  static Map<String, Integer> expectedCounts(Path testClasses, Path reports, Set<String> excluded)
      throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (String name : topLevelClasses(testClasses)) {
      Class<?> c = Class.forName(name, false, loader);
      // Test classes only: @RequiresCudnn itself carries the tag too.
      boolean testClass = !c.isInterface() && !Modifier.isAbstract(c.getModifiers());
      if (!testClass || !isGpu(c) || excluded.contains(name)) {
        continue;
      }
      Path report = reports.resolve("TEST-" + name + ".xml");
      Path classFile = testClasses.resolve(name.replace('.', '/') + ".class");
      if (!Files.exists(report)) {
        problems.add(name + ": no emulated report " + report);
        continue;
      }
      if (Files.getLastModifiedTime(report).compareTo(Files.getLastModifiedTime(classFile)) < 0) {
        problems.add(name + ": its emulated report is older than the class");
        continue;
      }
      Element suite =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(report.toFile())
              .getDocumentElement();
      int tests = Integer.parseInt(suite.getAttribute("tests"));
      int bad =
          Integer.parseInt(suite.getAttribute("skipped"))
              + Integer.parseInt(suite.getAttribute("failures"))
              + Integer.parseInt(suite.getAttribute("errors"));
      if (tests == 0 || bad > 0) {
        problems.add(name + ": the emulated run had " + tests + " tests, " + bad + " not passing");
        continue;
      }
      out.put(name, tests);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the expected GPU test counts come from the build's emulated run (Surefire execution"
              + " emulated-gpu), which must pass first:\n  "
              + String.join("\n  ", problems));
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no GPU test class found under " + testClasses);
    }
    return out;
  }

  static boolean isGpu(Class<?> c) {
    for (Annotation an : c.getAnnotations()) {
      if (hasGpuTag(an) || hasGpuTagOn(an.annotationType())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasGpuTagOn(Class<? extends Annotation> type) {
    for (Annotation meta : type.getAnnotations()) {
      if (hasGpuTag(meta)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasGpuTag(Annotation an) {
    if (an instanceof Tag t) {
      return t.value().equals(GpuSuiteRun.GPU_TAG);
    }
    if (an instanceof Tags ts) {
      return Stream.of(ts.value()).anyMatch(t -> t.value().equals(GpuSuiteRun.GPU_TAG));
    }
    return false;
  }

  private static List<String> topLevelClasses(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(p -> root.relativize(p).toString())
          .filter(p -> p.endsWith(".class") && !p.contains("$"))
          .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
          .sorted()
          .toList();
    }
  }

  static void writeExpected(Path file, Map<String, Integer> expected) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append(
        "# Written by GpuBundle: each GPU test class in this bundle and the number of tests\n");
    s.append(
        "# the build's emulated run of it executed (none skipped or failed). The device run\n");
    s.append("# (GpuSuiteRun) fails when any of them executes fewer.\n");
    expected.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    Files.writeString(file, s, StandardCharsets.UTF_8);
  }

  /**
   * Copies JCuda's natives out of the natives jars on the class path, repointing those that link an
   * NVIDIA library named in {@code repoint}.
   */
  static void writeNatives(Path dir, Map<String, String> repoint) throws IOException {
    Files.createDirectories(dir);
    List<String> notes = new ArrayList<>();
    for (String lib : NATIVES) {
      String file = "lib" + lib + SUFFIX;
      byte[] bytes;
      try (InputStream in = GpuBundle.class.getResourceAsStream("/lib/" + file)) {
        if (in == null) {
          throw new IllegalStateException(
              "/lib/" + file + " is not on the class path (org.jcuda:*-natives)");
        }
        bytes = in.readAllBytes();
      }
      for (Map.Entry<String, String> e : repoint.entrySet()) {
        if (lib.equals(LINKS.get(e.getKey()))) {
          SonameRepoint.Result r = SonameRepoint.repoint(bytes, e.getKey(), e.getValue());
          notes.add(file + ": " + r);
          log("%s: %s", file, r);
        }
      }
      Files.write(dir.resolve(file), bytes);
    }
    Files.writeString(
        dir.resolve("REPOINTED.txt"),
        "JCuda 11.7.0's natives, repointed by SonameRepoint at build time:\n"
            + String.join("\n", notes)
            + "\n",
        StandardCharsets.UTF_8);
  }

  static Map<String, String> repointMap(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : csv(spec)) {
      String[] p = pair.split(":");
      if (p.length != 2 || !LINKS.containsKey(p[0])) {
        throw new IllegalArgumentException(
            "repoint takes old:new pairs with old one of " + LINKS.keySet() + ": " + pair);
      }
      out.put(p[0], p[1]);
    }
    return out;
  }

  private static void jlink(Path output) {
    ToolProvider jlink =
        ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new IllegalStateException("no jlink: the build needs a full JDK"));
    StringWriter text = new StringWriter();
    PrintWriter pw = new PrintWriter(text);
    int rc =
        jlink.run(
            pw,
            pw,
            "--add-modules",
            JLINK_MODULES,
            "--strip-debug",
            "--no-header-files",
            "--no-man-pages",
            "--compress=2",
            "--output",
            output.toString());
    if (rc != 0) {
      throw new IllegalStateException("jlink failed (" + rc + "): " + text);
    }
  }

  private static Set<String> csv(String s) {
    Set<String> out = new TreeSet<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  private static int sum(Map<String, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void log(String format, Object... args) {
    System.out.println("[gpu-bundle] " + String.format(format, args));
  }
}
