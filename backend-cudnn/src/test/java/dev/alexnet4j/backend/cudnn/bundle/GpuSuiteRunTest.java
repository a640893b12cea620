package dev.alexnet4j.backend.cudnn.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU bundle's verdict cannot be green unless every expected GPU test ran: a skipped, aborted
 * or failed GPU test, a class that failed before its tests, or fewer tests than expected all fail
 * the run; only tests not tagged {@code gpu} may skip. Runs {@link GpuSuiteRun} on the small
 * classes below (nested, so the build never runs them on their own).
 */
class GpuSuiteRunTest {
  @TempDir Path dir;

  @Test
  void allExpectedGpuTestsRunAndPass() throws Exception {
    GpuSuiteRun.Counts c = run(Map.of(name(Passing.class), 2), List.of());
    assertArrayEquals(new int[] {2, 0, 0}, c.gpu.get(name(Passing.class)));
    assertTrue(c.passed(Map.of(name(Passing.class), 2)), summary(c));
  }

  @Test
  void fewerGpuTestsThanExpectedFail() throws Exception {
    Map<String, Integer> expected = Map.of(name(Passing.class), 3);
    GpuSuiteRun.Counts c = run(expected, List.of());
    assertFalse(c.passed(expected));
    assertTrue(
        summary(c, expected).contains("executed    2 of    3 expected"), summary(c, expected));
    assertTrue(summary(c, expected).contains("GPU suite: FAIL"), summary(c, expected));
  }

  @Test
  void aSkippedOrAbortedGpuTestFails() throws Exception {
    for (Class<?> cls : List.of(Skipping.class, Aborting.class)) {
      Map<String, Integer> expected = Map.of(name(cls), 1);
      GpuSuiteRun.Counts c = run(expected, List.of());
      assertFalse(c.passed(expected), cls + ": " + summary(c, expected));
      assertTrue(c.gpuTotal()[1] == 1, cls + ": " + summary(c, expected));
    }
  }

  @Test
  void aFailingGpuTestOrClassFails() throws Exception {
    for (Class<?> cls : List.of(Failing.class, FailingBeforeAll.class)) {
      Map<String, Integer> expected = Map.of(name(cls), 1);
      GpuSuiteRun.Counts c = run(expected, List.of());
      assertFalse(c.passed(expected), cls + ": " + summary(c, expected));
      assertTrue(c.gpuTotal()[2] >= 1, cls + ": " + summary(c, expected));
    }
  }

  @Test
  void otherTestsMaySkipButNotFail() throws Exception {
    Map<String, Integer> expected = Map.of(name(Passing.class), 2);
    GpuSuiteRun.Counts skipping = run(expected, List.of(name(OtherSkipping.class)));
    assertTrue(skipping.passed(expected), summary(skipping, expected));
    assertArrayEquals(new int[] {1, 1, 0}, skipping.other);
    GpuSuiteRun.Counts failing = run(expected, List.of(name(OtherFailing.class)));
    assertFalse(failing.passed(expected), summary(failing, expected));
  }

  private GpuSuiteRun.Counts run(Map<String, Integer> expected, List<String> others)
      throws Exception {
    return GpuSuiteRun.run(expected, others, dir.resolve("report.txt"));
  }

  private static String name(Class<?> c) {
    return c.getName();
  }

  private static String summary(GpuSuiteRun.Counts c) {
    return summary(c, Map.of());
  }

  private static String summary(GpuSuiteRun.Counts c, Map<String, Integer> expected) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    c.printSummary(expected, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Tag("gpu")
  static class Passing {
    @Test
    void one() {}

    @Test
    void two() {}
  }

  /**
   * Skips what it is on, as {@code CudnnAvailableCondition} does outside GPU-required mode when the
   * backend did not load.
   */
  static final class BackendNotLoaded implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getTestMethod().isPresent()
          ? ConditionEvaluationResult.disabled("needs a GPU with cuDNN: not loadable here")
          : ConditionEvaluationResult.enabled("the class itself runs");
    }
  }

  @Tag("gpu")
  static class Skipping {
    @Test
    @ExtendWith(BackendNotLoaded.class)
    void skipped() {}
  }

  @Tag("gpu")
  static class Aborting {
    @Test
    void aborted() {
      Assumptions.abort("no GPU");
    }
  }

  @Tag("gpu")
  static class Failing {
    @Test
    void fails() {
      throw new AssertionError("wrong numbers");
    }
  }

  /** As CudnnAvailableCondition in GPU-required mode: the class fails before any test runs. */
  @Tag("gpu")
  static class FailingBeforeAll {
    @BeforeAll
    static void noBackend() {
      throw new IllegalStateException("GPU required, but the cudnn backend cannot run");
    }

    @Test
    void neverRuns() {}
  }

  static class OtherSkipping {
    @Test
    void runs() {}

    @Test
    @ExtendWith(BackendNotLoaded.class)
    void skipped() {}
  }

  static class OtherFailing {
    @Test
    void fails() {
      throw new AssertionError("fails");
    }
  }
}
