package dev.alexnet4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cli module's part of the GPU bundle (backend-cudnn/target/gpu-bundle, made first by
 * backend-cudnn's build): {@code day/}, what {@code gpu-day.sh} needs beyond the conformance suite.
 * Run by the build (exec:java, test class path):
 *
 * <ul>
 *   <li>{@code step=assemble}: {@code day/classes} (the cli's classes and the GpuDay test classes),
 *       {@code day/lib} (alexnet, augment, picocli: the jars the bench and the split load besides
 *       the bundle's), {@code day/reference-dry.txt.gz} (ND4J, alexnet-small, a few steps: the
 *       build's dry run) and, with {@code reference=full}, {@code day/reference-full.txt.gz} (ND4J,
 *       alexnet at real shapes, 200 steps: what the GPU run compares against; reused from {@code
 *       cache} when its workload is the same). Fails over {@code maxMiB}.
 *   <li>{@code step=dry-run}: {@code gpu-day.sh} on the emulated CUDA 13 libraries ({@code
 *       emulator}), parts {@code parts}.
 * </ul>
 *
 * Where the bundle is missing (the cli built alone, or without tests) both steps say so and do
 * nothing, unless {@code reference=full} asked for the GPU reference: then it is an error.
 */
public final class GpuDayBundle {
  /** The build's dry-run workload: seconds on ND4J and on the emulator. */
  static final List<String> DRY =
      List.of("model=alexnet-small", "classes=10", "batch=4", "steps=3");

  /** The GPU day's: the paper's net at its real shapes, 200 steps. */
  static final List<String> FULL =
      List.of("model=alexnet", "classes=1000", "batch=16", "steps=200");

  private GpuDayBundle() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Path bundle = Path.of(a.get("bundle"));
    boolean full = "full".equals(a.getOrDefault("reference", "dry"));
    if (!Files.isRegularFile(bundle.resolve("gpu-day.sh"))) {
      String why =
          "no GPU bundle at " + bundle + " (backend-cudnn's build makes it when tests run)";
      if (full) {
        throw new IllegalStateException(why + "; build with -pl cli -am");
      }
      log("%s: skipped", why);
      return;
    }
    switch (a.get("step")) {
      case "assemble" -> assemble(a, bundle, full);
      case "dry-run" -> dryRun(a, bundle);
      default -> throw new IllegalArgumentException("step=assemble|dry-run");
    }
  }

  private static void assemble(Map<String, String> a, Path bundle, boolean full) throws Exception {
    Path day = bundle.resolve("day");
    deleteTree(day);
    copyTree(Path.of(a.get("classes")), day.resolve("classes"));
    Path testClasses = Path.of(a.get("testClasses"));
    try (Stream<Path> files = Files.list(testClasses.resolve("dev/alexnet4j/cli"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith("GpuDay")) {
          Path target = day.resolve("classes/dev/alexnet4j/cli").resolve(f.getFileName());
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    copyTree(Path.of(a.get("jars")), day.resolve("lib"));
    long t = System.nanoTime();
    GpuDayReference.main(with(DRY, "out=" + day.resolve("reference-dry.txt.gz")));
    log("dry reference in %.0f s", (System.nanoTime() - t) / 1e9);
    if (full) {
      Path cache = Path.of(a.get("cache"));
      t = System.nanoTime();
      GpuDayReference.main(with(FULL, "out=" + cache, "reuse=true"));
      Files.copy(cache, day.resolve("reference-full.txt.gz"), StandardCopyOption.REPLACE_EXISTING);
      log("full reference in %.0f s (cached in %s)", (System.nanoTime() - t) / 1e9, cache);
    }
    long bytes = size(bundle);
    long maxMiB = Long.parseLong(a.getOrDefault("maxMiB", "60"));
    log("%s with day/ is %.1f MiB (limit %d MiB)", bundle, bytes / 1048576.0, maxMiB);
    if (bytes > maxMiB * 1048576) {
      throw new IllegalStateException(
          bundle + " is over " + maxMiB + " MiB (a device run carries at most 64 MiB)");
    }
  }

  private static void dryRun(Map<String, String> a, Path bundle) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", bundle.resolve("gpu-day.sh").toString()).inheritIO();
    pb.environment().put("ALEXNET4J_GPU_BUNDLE_EMULATOR", a.get("emulator"));
    pb.environment().put("GPU_DAY_PARTS", a.getOrDefault("parts", "match train bench split"));
    pb.environment().put("OUT", a.get("out"));
    int rc = pb.start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("the GPU day's dry run failed (exit " + rc + ")");
    }
  }

  private static String[] with(List<String> base, String... more) {
    return Stream.concat(base.stream(), Stream.of(more)).toArray(String[]::new);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
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
    System.out.println("[gpu-day bundle] " + String.format(format, args));
  }
}
