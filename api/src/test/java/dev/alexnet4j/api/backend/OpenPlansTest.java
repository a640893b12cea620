package dev.alexnet4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenPlansTest {
  /** A plan that reports its close, as a backend's plans do. */
  private static final class Plan implements AutoCloseable {
    final String name;
    final OpenPlans plans;
    final List<String> log;
    int closes;

    Plan(String name, OpenPlans plans, List<String> log) {
      this.name = name;
      this.plans = plans;
      this.log = log;
    }

    @Override
    public void close() {
      closes++;
      log.add(name);
      plans.closed(this);
      if (name.startsWith("failing")) {
        throw new IllegalStateException("cudaFree refused");
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Test
  void aPlanItsOwnerClosedIsDroppedAtOnceSoNothingPilesUp() {
    OpenPlans plans = new OpenPlans("test backend");
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      plans.add(new Plan("p" + i, plans, log)).close();
    }
    assertTrue(plans.open().isEmpty());
    assertTrue(plans.closeAll().isEmpty());
    assertEquals(1000, log.size());
  }

  @Test
  void closeAllClosesWhatIsLeftNewestFirstOnceAndRefusesNewPlans() {
    OpenPlans plans = new OpenPlans("test backend");
    List<String> log = new ArrayList<>();
    Plan a = plans.add(new Plan("a", plans, log));
    Plan b = plans.add(new Plan("b", plans, log));
    Plan c = plans.add(new Plan("c", plans, log));
    b.close();
    assertEquals(List.of(a, c), plans.open());
    assertEquals(List.of(a, c), plans.closeAll());
    assertEquals(List.of("b", "c", "a"), log);
    assertTrue(plans.closeAll().isEmpty());
    assertEquals(1, a.closes);
    Plan late = new Plan("late", plans, log);
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> plans.add(late));
    assertEquals("test backend was closed", refused.getMessage());
    assertEquals(1, late.closes, "a plan refused is closed, never handed out");
  }

  @Test
  void aFailedCloseIsReportedAfterEveryPlanWasTried() {
    OpenPlans plans = new OpenPlans("test backend");
    List<String> log = new ArrayList<>();
    plans.add(new Plan("a", plans, log));
    plans.add(new Plan("failing b", plans, log));
    plans.add(new Plan("failing c", plans, log));
    IllegalStateException e = assertThrows(IllegalStateException.class, plans::closeAll);
    assertEquals(List.of("failing c", "failing b", "a"), log);
    assertTrue(e.getMessage().contains("closing failing c failed"), e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertTrue(plans.open().isEmpty());
  }
}
