package dev.alexnet4j.backend.cudnn.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JCuda 11.7.0's natives, repointed by {@link SonameRepoint} as the GPU bundle does, load against
 * the emulated CUDA 13 / cuDNN 9 libraries (module cuda-emulator, FLAVOR=cuda13: sonames
 * libcudnn.so.9, libcublas.so.13, libnvrtc.so.13, every symbol under a version node of that name,
 * as NVIDIA's libraries do) and make a real call into each; and without the version fix the same
 * load fails as it did on the H200 machine ("version `libcublas.so.11' not found").
 *
 * <p>Each load runs in a child JVM ({@link NativesLoadProbe}): the loader's search path is read
 * once per process, and a failed load must not poison this one.
 */
class RepointedNativesLoadTest {
  static final Map<String, String> CUDA13 =
      Map.of(
          "libcudnn.so.8", "libcudnn.so.9",
          "libcublas.so.11", "libcublas.so.13",
          "libnvrtc.so.11.2", "libnvrtc.so.13");

  static Path cuda13;

  @BeforeAll
  static void emulatedCuda13() {
    assumeFalse(
        Boolean.getBoolean("alexnet4j-test.cuda-emulator-skipped"),
        "the build did not make the emulated CUDA stack (cuda.emulator.skip, e.g. -Preal-gpu)");
    cuda13 =
        Path.of(
                System.getProperty(
                    "alexnet4j-test.cuda13-emulator-dir",
                    "../cuda-emulator/target/emulator/cuda13"))
            .toAbsolutePath()
            .normalize();
    for (String so : CUDA13.values()) {
      if (!Files.exists(cuda13.resolve(so))) {
        fail(
            cuda13.resolve(so)
                + " is missing: build module cuda-emulator (execution build-cuda13)");
      }
    }
  }

  @Test
  void repointedNativesNeedTheNewSonamesWithWeakVersionNeeds(@TempDir Path dir) throws IOException {
    GpuBundle.writeNatives(dir, CUDA13);
    for (Map.Entry<String, String> e : CUDA13.entrySet()) {
      byte[] elf = Files.readAllBytes(native_(dir, GpuBundle.LINKS.get(e.getKey())));
      List<String> needed = SonameRepoint.needed(elf);
      assertTrue(needed.contains(e.getValue()), needed.toString());
      assertFalse(needed.contains(e.getKey()), needed.toString());
      // The need now names the new node, weak (VER_FLG_WEAK = 2): no old version is required.
      assertTrue(
          SonameRepoint.versionNeeds(elf).contains(e.getValue() + ": " + e.getValue() + " flags=2"),
          SonameRepoint.versionNeeds(elf).toString());
      assertTrue(
          SonameRepoint.versionNeeds(elf).stream().noneMatch(v -> v.contains(e.getKey())),
          SonameRepoint.versionNeeds(elf).toString());
    }
  }

  @Test
  void repointedNativesLoadAndCallIntoCuda13Libraries(@TempDir Path dir) throws Exception {
    GpuBundle.writeNatives(dir, CUDA13);
    List<String> files = new ArrayList<>();
    for (String lib : List.of("JCudnn", "JCublas2", "JNvrtc")) {
      files.add(native_(dir, lib).toString());
    }
    String loaded = probe(cuda13.toString(), cuda13 + File.pathSeparator + dir, "load", files);
    assertEquals(3, count(loaded, "LOADED "), loaded);

    // The emulator's JCudaRuntime first (as in the bundle's dry run), then the repointed natives.
    String called = probe(cuda13.toString(), cuda13 + File.pathSeparator + dir, "calls", List.of());
    assertTrue(called.contains("CALL cudnnGetVersion = "), called);
    assertTrue(called.contains("CALL cublasCreate = 0, cublasGetVersion = 0"), called);
    assertTrue(called.contains("cublasDestroy = 0"), called);
    assertTrue(called.contains("CALL nvrtcVersion = 0"), called);
    assertFalse(called.contains("FAILED"), called);
  }

  /**
   * The repointed natives need no particular version node: against the CUDA 11 emulation presented
   * under the CUDA 13 file names (its symbols are versioned libcublas.so.11, not .13) they still
   * load, the weak need being unmet, and the calls bind by name. So a real cuDNN 9 that named its
   * node otherwise would not stop them.
   */
  @Test
  void repointedNativesNeedNoParticularVersionNode(@TempDir Path dir) throws Exception {
    Path cuda11 = cuda13.resolveSibling("cuda11");
    Path natives = Files.createDirectories(dir.resolve("natives"));
    GpuBundle.writeNatives(natives, CUDA13);
    List<Path> links = new ArrayList<>();
    try {
      Path linkDir = Files.createDirectories(dir.resolve("links"));
      List<String> files = new ArrayList<>();
      for (Map.Entry<String, String> e : CUDA13.entrySet()) {
        links.add(
            Files.createSymbolicLink(linkDir.resolve(e.getValue()), cuda11.resolve(e.getKey())));
        files.add(native_(natives, GpuBundle.LINKS.get(e.getKey())).toString());
      }
      String ld = linkDir + File.pathSeparator + cuda11;
      String loaded = probe(ld, natives.toString(), "load", files);
      assertEquals(3, count(loaded, "LOADED "), loaded);
      String called = probe(ld, cuda11 + File.pathSeparator + natives, "calls", List.of());
      assertTrue(called.contains("CALL cublasCreate = 0, cublasGetVersion = 0"), called);
      assertTrue(called.contains("CALL nvrtcVersion = 0"), called);
      assertFalse(called.contains("FAILED"), called);
    } finally {
      deleteAll(links);
    }
  }

  /**
   * Without the version fix: JCuda's original natives, with each NEEDED library resolving to its
   * CUDA 13 / cuDNN 9 emulation (links under the old file names, which is exactly what a
   * NEEDED-only repoint such as {@code patchelf --replace-needed} leaves the loader with), fail on
   * the version need each still has.
   */
  @Test
  void withoutTheVersionFixTheLoadFailsOnTheOldVersionNeed(@TempDir Path dir) throws Exception {
    Path natives = Files.createDirectories(dir.resolve("natives"));
    GpuBundle.writeNatives(natives, Map.of()); // copied, not repointed
    List<Path> links = new ArrayList<>();
    try {
      Path linkDir = Files.createDirectories(dir.resolve("links"));
      List<String> files = new ArrayList<>();
      for (Map.Entry<String, String> e : CUDA13.entrySet()) {
        links.add(
            Files.createSymbolicLink(linkDir.resolve(e.getKey()), cuda13.resolve(e.getValue())));
        files.add(native_(natives, GpuBundle.LINKS.get(e.getKey())).toString());
      }
      String out = probe(linkDir + File.pathSeparator + cuda13, natives.toString(), "load", files);
      for (String old : CUDA13.keySet()) {
        assertTrue(out.contains("version `" + old + "' not found"), out);
      }
      assertEquals(0, count(out, "LOADED "), out);
    } finally {
      deleteAll(links);
    }
  }

  /** The links go before @TempDir's clean-up, which warns about links leaving the directory. */
  private static void deleteAll(List<Path> links) throws IOException {
    for (Path link : links) {
      Files.deleteIfExists(link);
    }
  }

  private static Path native_(Path dir, String lib) {
    return dir.resolve("lib" + lib + GpuBundle.SUFFIX);
  }

  /** Runs {@link NativesLoadProbe} in a child JVM; returns its output. */
  private static String probe(
      String ldLibraryPath, String javaLibraryPath, String mode, List<String> args)
      throws IOException, InterruptedException {
    // Only this module's test classes and JCuda's Java jars: no natives jars, so JCuda cannot fall
    // back to unpacking its unpatched libraries.
    String classPath =
        String.join(
            File.pathSeparator,
            location(NativesLoadProbe.class),
            location(jcuda.Pointer.class),
            location(jcuda.jcublas.JCublas2.class),
            location(jcuda.jcudnn.JCudnn.class));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.library.path=" + javaLibraryPath);
    command.add("-cp");
    command.add(classPath);
    command.add(NativesLoadProbe.class.getName());
    command.add(mode);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("LD_LIBRARY_PATH", ldLibraryPath);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe timed out:\n" + out);
    System.out.println("[" + mode + "] " + out.strip());
    return out;
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int count(String text, String word) {
    return text.split(java.util.regex.Pattern.quote(word), -1).length - 1;
  }
}
