package dev.alexnet4j.backend.cudnn.bundle;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The Java part of {@code run-on-h200.sh}: runs the GPU bundle's test classes in GPU-required mode
 * and decides the verdict itself, so that a run where nothing loaded cannot end green.
 *
 * <pre>
 *   GpuSuiteRun expected-gpu-tests.properties report.txt [other test class...]
 * </pre>
 *
 * <p>The properties file (written at bundle time by {@link GpuBundle} from the build's emulated run
 * of the same classes) lists each GPU test class with the number of tests it ran there. Those
 * classes run here, plus the other classes named (not tagged {@code gpu}: their skips are allowed).
 * The run fails when any GPU test or class is skipped or aborted, any test fails, or any GPU class
 * executes fewer tests than expected. The last lines printed are the executed / skipped / failed
 * counts and the verdict; every test's outcome goes to the report file.
 */
public final class GpuSuiteRun {
  static final String GPU_TAG = "gpu";

  private GpuSuiteRun() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println(
          "usage: GpuSuiteRun expected-gpu-tests.properties report.txt [other test class...]");
      System.exit(2);
    }
    Map<String, Integer> expected = readExpected(Path.of(args[0]));
    List<String> others = List.of(args).subList(2, args.length);
    // Always GPU-required (CudnnAvailableCondition): an unavailable backend fails each GPU class
    // instead of skipping it. Set here, not left to the caller, so no invocation can forget it.
    System.setProperty("alexnet4j-test.gpu-required", "true");
    Counts counts = run(expected, others, Path.of(args[1]));
    System.out.println();
    counts.printSummary(expected, System.out);
    System.exit(counts.passed(expected) ? 0 : 1);
  }

  static Map<String, Integer> readExpected(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, Integer> out = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(name, Integer.parseInt(p.getProperty(name).trim()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " lists no GPU test class");
    }
    return out;
  }

  static Counts run(Map<String, Integer> expected, List<String> others, Path report)
      throws IOException {
    List<ClassSelector> selectors = new ArrayList<>();
    expected.keySet().forEach(c -> selectors.add(selectClass(c)));
    others.forEach(c -> selectors.add(selectClass(c)));
    Counts counts = new Counts();
    try (PrintWriter log =
        new PrintWriter(Files.newBufferedWriter(report, StandardCharsets.UTF_8), true)) {
      counts.log = log;
      Launcher launcher = LauncherFactory.create();
      launcher.execute(
          LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), counts);
    }
    return counts;
  }

  /** Counts per class, split into GPU-tagged and other tests, and keeps what went wrong. */
  static final class Counts implements TestExecutionListener {
    /** Per class: {executed, skipped, failed}. */
    final Map<String, int[]> gpu = new TreeMap<>();

    final int[] other = new int[3];
    final List<String> problems = new ArrayList<>();
    PrintWriter log;
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
      plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      if (id.isTest() || className(id).isPresent()) {
        record(id, 1, "SKIPPED", reason);
      }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      String why = result.getThrowable().map(Throwable::toString).orElse("");
      switch (result.getStatus()) {
        case SUCCESSFUL -> {
          if (id.isTest()) {
            record(id, 0, "OK", why);
          }
        }
        // An aborted test (a failed assumption) did not run: a skip.
        case ABORTED -> record(id, 1, "ABORTED", why);
        // A failed container (a class whose condition or @BeforeAll threw) ran none of its tests.
        case FAILED -> record(id, 2, "FAILED", why);
      }
    }

    /** outcome: 0 passed, 1 skipped or aborted, 2 failed. */
    private void record(TestIdentifier id, int outcome, String word, String why) {
      String cls = className(id).orElse("?");
      boolean isGpu = isGpu(id);
      int[] c =
          isGpu ? gpu.computeIfAbsent(cls, k -> new int[3]) : other; // executed, skipped, failed
      if (outcome == 1) {
        c[1]++;
      } else {
        if (id.isTest()) {
          c[0]++; // a test that ran to a verdict, pass or fail
        }
        if (outcome == 2) {
          c[2]++;
        }
      }
      String line =
          word
              + " "
              + (isGpu ? "[gpu] " : "")
              + cls.substring(cls.lastIndexOf('.') + 1)
              + " > "
              + id.getDisplayName()
              + (why.isEmpty() ? "" : ": " + why);
      log.println(line);
      if (outcome != 0 && (isGpu || outcome == 2)) {
        problems.add(line);
        System.out.println(line);
      }
    }

    private boolean isGpu(TestIdentifier id) {
      for (TestIdentifier at = id; at != null; at = plan.getParent(at).orElse(null)) {
        for (TestTag tag : at.getTags()) {
          if (tag.getName().equals(GPU_TAG)) {
            return true;
          }
        }
      }
      return false;
    }

    private Optional<String> className(TestIdentifier id) {
      Optional<TestSource> source = id.getSource();
      if (source.isPresent() && source.get() instanceof MethodSource m) {
        return Optional.of(m.getClassName());
      }
      if (source.isPresent() && source.get() instanceof ClassSource c) {
        return Optional.of(c.getClassName());
      }
      return Optional.empty();
    }

    int[] gpuTotal() {
      int[] t = new int[3];
      for (int[] c : gpu.values()) {
        for (int i = 0; i < 3; i++) {
          t[i] += c[i];
        }
      }
      return t;
    }

    boolean passed(Map<String, Integer> expected) {
      int[] t = gpuTotal();
      if (t[1] > 0 || t[2] > 0 || other[2] > 0) {
        return false;
      }
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        if (gpu.getOrDefault(e.getKey(), new int[3])[0] < e.getValue()) {
          return false;
        }
      }
      return true;
    }

    void printSummary(Map<String, Integer> expected, java.io.PrintStream out) {
      out.println("GPU test classes (tag gpu, GPU-required mode):");
      int expectedTotal = 0;
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        int[] c = gpu.getOrDefault(e.getKey(), new int[3]);
        expectedTotal += e.getValue();
        out.printf(
            "  %-45s executed %4d of %4d expected, skipped %d, failed %d%s%n",
            e.getKey().substring(e.getKey().lastIndexOf('.') + 1),
            c[0],
            e.getValue(),
            c[1],
            c[2],
            c[0] < e.getValue() ? "   <-- FEWER THAN EXPECTED" : "");
      }
      for (String cls : gpu.keySet()) {
        if (!expected.containsKey(cls)) {
          out.println("  (also ran gpu class " + cls + ", not in the expected list)");
        }
      }
      int[] t = gpuTotal();
      out.printf(
          "other tests: executed %d, skipped %d (allowed), failed %d%n",
          other[0], other[1], other[2]);
      out.printf(
          "GPU tests: executed %d of %d expected, skipped %d, failed %d%n",
          t[0], expectedTotal, t[1], t[2]);
      out.println(
          passed(expected)
              ? "GPU suite: PASS"
              : "GPU suite: FAIL (a GPU test skipped or failed, or fewer ran than expected)");
    }
  }
}
