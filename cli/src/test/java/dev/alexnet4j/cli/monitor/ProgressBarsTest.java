package dev.alexnet4j.cli.monitor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProgressBarsTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private Locale savedLocale;

  @BeforeEach
  void decimalCommaLocale() {
    // The output must not switch to "2,3000" on a German machine.
    savedLocale = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
  }

  @AfterEach
  void restoreLocale() {
    Locale.setDefault(savedLocale);
  }

  private String output() {
    out.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static StepReport step(int epoch, long step, int batch, int batches) {
    return new StepReport(epoch, step, batch, batches, 2.3, 0.5, 0.2, 0.01f, 800);
  }

  @Test
  void printsTheEpochSummaryAfterTheBar() {
    ProgressBars bars = new ProgressBars(out, false);
    for (int b = 0; b < 3; b++) {
      bars.stepEnded(step(0, b, b, 3));
    }
    bars.epochEnded(new EpochReport(0, 3, 2.3, 0.5, 0.2, 2.5, 0.6, 0.3, 0.01f, 812.4, 0, 12.34));
    bars.runEnded("finished 1 epochs");

    List<String> lines = output().lines().toList();
    assertEquals(
        "epoch 0: train loss 2.3000 top-1 err 50.00% top-5 err 20.00%"
            + " | val loss 2.5000 top-1 err 60.00% top-5 err 30.00% | lr 0.01 | 812 img/s | 12.3 s",
        lines.get(lines.size() - 1));
    String bar = lines.get(lines.size() - 2);
    assertTrue(bar.startsWith("epoch 0 100%"), bar);
    assertTrue(bar.contains("3/3"), bar);
    assertTrue(
        bar.contains("loss 2.3000, top-1 err 50.00%, top-5 err 20.00%, 800 img/s"),
        "extra message: " + bar);
    assertTrue(bar.chars().allMatch(c -> c < 128), "ASCII off a terminal: " + bar);
    assertFalse(output().contains("\r"), "log lines, not carriage returns");
    assertEquals(1, lines.stream().filter(l -> l.startsWith("epoch 0 100%")).count(), "once");
  }

  @Test
  void aRunWithoutValidationSaysSoAndNamesSkippedFiles() {
    ProgressBars bars = new ProgressBars(out, false);
    bars.epochEnded(
        new EpochReport(
            4, 30, 1.25, 0.125, 0.0625, Double.NaN, Double.NaN, Double.NaN, 1.0e-4f, 99.5, 7, 60));
    assertEquals(
        "epoch 4: train loss 1.2500 top-1 err 12.50% top-5 err 6.25% | val n/a | lr 0.0001 | 100 img/s"
            + " | 60.0 s | 7 files skipped",
        output().strip());
  }

  @Test
  void stepsBeyondTheAnnouncedSizeDoNotFail() {
    ProgressBars bars = new ProgressBars(out, false);
    assertDoesNotThrow(
        () -> {
          for (int b = 0; b < 7; b++) {
            bars.stepEnded(step(2, 20 + b, b, 3));
          }
          bars.epochEnded(new EpochReport(2, 27, 2.3, 0.5, 0.2, 2.5, 0.6, 0.3, 0.01f, 800, 0, 1));
        });
    String text = output();
    assertTrue(text.contains("7/7"), text);
    assertTrue(text.contains("epoch 2: train loss 2.3000"), text);
  }

  @Test
  void aNewEpochGetsANewBarAndRunEndedClosesAnOpenOne() {
    ProgressBars bars = new ProgressBars(out, false);
    bars.stepEnded(step(0, 0, 0, 2));
    // The trainer always reports the epoch end; a bar must still not leak if it does not.
    bars.stepEnded(step(1, 1, 0, 2));
    bars.stepEnded(new StepReport(1, 2, 1, 2, Double.NaN, Double.NaN, Double.NaN, 0.01f, 800));
    bars.runEnded("stopped at step 3 on request");

    String text = output();
    assertTrue(text.contains("epoch 0 "), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("epoch 1 100%") && l.contains("2/2")), text);
    assertTrue(text.contains("loss 2.3000"), "NaN steps leave the running mean alone: " + text);
    assertFalse(text.contains("epoch 1: train"), "no summary without an epoch end");
  }

  @Test
  void aResumedEpochStartsWhereItStopped() {
    ProgressBars bars = new ProgressBars(out, false);
    bars.stepEnded(step(3, 1234, 40, 50));
    bars.close();
    String text = output();
    assertTrue(text.contains("41/50"), text);
  }

  @Test
  void theTerminalModeRedrawsInPlace() {
    ProgressBars bars = new ProgressBars(out, true);
    bars.stepEnded(step(0, 0, 0, 2));
    bars.stepEnded(step(0, 1, 1, 2));
    bars.epochEnded(new EpochReport(0, 2, 2.3, 0.5, 0.2, 2.5, 0.6, 0.3, 0.01f, 800, 0, 1));
    String text = output();
    assertTrue(text.contains("\r"), text);
    assertTrue(text.contains("epoch 0"), text);
    assertTrue(text.contains("epoch 0: train loss 2.3000"), text);
  }
}
