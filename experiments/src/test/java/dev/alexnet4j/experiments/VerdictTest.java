package dev.alexnet4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.experiments.Measure.Expectation;
import dev.alexnet4j.experiments.Measure.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict rule: a difference within the spread across seeds is no measurable difference. */
class VerdictTest {
  private static Summary of(double... values) {
    return Summary.of(java.util.Arrays.stream(values).boxed().toList());
  }

  @Test
  void aDifferenceBeyondTheSpreadInThePapersDirectionAgrees() {
    // first arm lower by 2 pp; ranges 0.5 and 1 pp
    Verdict.Judgement j =
        Verdict.judge(
            of(0.100, 0.105, 0.102), of(0.120, 0.125, 0.130), Expectation.FIRST_LOWER, Unit.ERROR);
    assertEquals(Verdict.AGREE, j.verdict(), j.reason());
    assertEquals(0.1023333 - 0.125, j.difference(), 1e-6);
    assertEquals(0.010, j.spread(), 1e-12);
  }

  @Test
  void theSameFiguresAgainstTheClaimsDirectionDisagree() {
    Verdict.Judgement j =
        Verdict.judge(
            of(0.120, 0.125, 0.130), of(0.100, 0.105, 0.102), Expectation.FIRST_LOWER, Unit.ERROR);
    assertEquals(Verdict.DISAGREE, j.verdict(), j.reason());
    assertTrue(j.reason().contains("against the paper's direction"), j.reason());
  }

  @Test
  void aDifferenceWithinTheSpreadIsInconclusiveWhicheverItsSign() {
    // means 0.110 and 0.115 (difference 0.5 pp), but one arm ranges over 2 pp
    Summary wide = of(0.100, 0.110, 0.120);
    Summary narrow = of(0.114, 0.115, 0.116);
    for (Expectation e : List.of(Expectation.FIRST_LOWER, Expectation.FIRST_HIGHER)) {
      Verdict.Judgement j = Verdict.judge(wide, narrow, e, Unit.ERROR);
      assertEquals(Verdict.INCONCLUSIVE, j.verdict(), j.reason());
      assertTrue(j.reason().contains("no measurable difference here"), j.reason());
      assertTrue(j.reason().contains("2.00 pp"), j.reason());
    }
  }

  @Test
  void theSpreadIsTheLargerRangeOfEitherArm() {
    // difference 1.0; ranges 0.4 and 1.2: within the second arm's range
    Verdict.Judgement j =
        Verdict.judge(of(2.0, 2.4), of(3.0, 3.0, 4.2), Expectation.FIRST_LOWER, Unit.EPOCHS);
    assertEquals(1.2, j.spread(), 1e-12);
    assertEquals(Verdict.INCONCLUSIVE, j.verdict(), j.reason());
    // the same with a narrower second arm: beyond the spread
    Verdict.Judgement k =
        Verdict.judge(of(2.0, 2.4), of(3.4, 3.6, 3.5), Expectation.FIRST_LOWER, Unit.EPOCHS);
    assertEquals(Verdict.AGREE, k.verdict(), k.reason());
  }

  @Test
  void aDifferenceEqualToTheSpreadIsNotEnough() {
    Verdict.Judgement j =
        Verdict.judge(of(1.0, 2.0), of(3.0, 2.5), Expectation.FIRST_LOWER, Unit.SECONDS);
    // difference -1.25, spread 1.0 -> agree; now make the difference exactly the spread
    assertEquals(Verdict.AGREE, j.verdict());
    Verdict.Judgement k =
        Verdict.judge(of(1.0, 2.0), of(2.5, 2.5), Expectation.FIRST_LOWER, Unit.SECONDS);
    assertEquals(-1.0, k.difference(), 1e-12);
    assertEquals(Verdict.INCONCLUSIVE, k.verdict(), k.reason());
  }

  @Test
  void aClaimThatTheFirstArmIsHigherIsJudgedThatWay() {
    Summary higher = of(0.30, 0.31, 0.32);
    Summary lower = of(0.20, 0.21, 0.22);
    assertEquals(
        Verdict.AGREE,
        Verdict.judge(higher, lower, Expectation.FIRST_HIGHER, Unit.ERROR).verdict());
    assertEquals(
        Verdict.DISAGREE,
        Verdict.judge(lower, higher, Expectation.FIRST_HIGHER, Unit.ERROR).verdict());
  }

  @Test
  void oneSeedHasNoSpreadAndSoNoVerdict() {
    Verdict.Judgement j = Verdict.judge(of(0.1), of(0.5), Expectation.FIRST_LOWER, Unit.ERROR);
    assertEquals(Verdict.INCONCLUSIVE, j.verdict());
    assertTrue(j.reason().contains("--seeds"), j.reason());
  }

  @Test
  void aRowWithoutAClaimIsNotJudged() {
    Verdict.Judgement j = Verdict.judge(of(0.1, 0.1), of(0.5, 0.5), Expectation.NONE, Unit.ERROR);
    assertEquals(Verdict.NOT_JUDGED, j.verdict());
    assertEquals(-0.4, j.difference(), 1e-12);
  }

  @Test
  void aMissingFigureIsInconclusive() {
    // without the diverged run the first arm would clearly be lower
    Verdict.Judgement j =
        Verdict.judge(
            of(Double.NaN, 0.1, 0.1), of(0.5, 0.5, 0.5), Expectation.FIRST_LOWER, Unit.ERROR);
    assertEquals(Verdict.INCONCLUSIVE, j.verdict());
    assertTrue(j.reason().contains("diverged"), j.reason());
    assertEquals(-0.4, j.difference(), 1e-12);
  }
}
