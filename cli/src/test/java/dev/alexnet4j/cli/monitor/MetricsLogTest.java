package dev.alexnet4j.cli.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir Path runDir;

  static StepReport step(int epoch, long step, double loss) {
    return new StepReport(epoch, step, (int) step % 10, 10, loss, 0.75, 0.25, 0.01f, 812.5);
  }

  static EpochReport epoch(int epoch, long step, double valLoss) {
    return new EpochReport(
        epoch, step, 2.5, 0.6, 0.3, valLoss, 0.65, 0.35, 0.01f, 790.25, 3, 1622.4);
  }

  @Test
  void writesOneObjectPerLineAndReadsItBackExactly() throws IOException {
    List<StepReport> steps =
        List.of(
            new StepReport(0, 0, 0, 10, 6.907755278982137, 1.0, 0.992, 0.01f, 1e-300),
            new StepReport(0, 1, 1, 10, Double.NaN, Double.NaN, 0.5, 1.0e-4f, 812.5),
            new StepReport(0, Long.MAX_VALUE, 2, 10, -0.0, 0.1 + 0.2, 0.0, 0.1f, 3.0e8));
    EpochReport noValidation =
        new EpochReport(
            0, 3, 2.5, 0.6, 0.3, Double.NaN, Double.NaN, Double.NaN, 0.01f, 790.25, 0, 12.5);
    try (MetricsLog log = new MetricsLog(runDir)) {
      steps.forEach(log::stepEnded);
      log.epochEnded(noValidation);
      log.runEnded("finished 1 epochs");
    }

    List<String> lines = Files.readAllLines(MetricsLog.file(runDir));
    assertEquals(5, lines.size(), String.join("\n", lines));
    assertEquals(
        "{\"kind\":\"step\",\"epoch\":0,\"step\":0,\"batch_in_epoch\":0,\"batches_in_epoch\":10,"
            + "\"loss\":6.907755278982137,\"top1_error\":1.0,\"top5_error\":0.992,\"lr\":0.01,"
            + "\"images_per_second\":1.0E-300}",
        lines.get(0));
    assertTrue(lines.get(1).contains("\"loss\":null,\"top1_error\":null,"), lines.get(1));
    assertTrue(lines.get(3).startsWith("{\"kind\":\"epoch\""), lines.get(3));
    assertTrue(lines.get(3).contains("\"val_loss\":null,\"val_top1_error\":null"), lines.get(3));
    assertTrue(lines.get(3).contains("\"seconds\":12.5,\"time\":\""), lines.get(3));
    assertTrue(lines.get(4).startsWith("{\"kind\":\"end\",\"reason\":\"finished 1 epochs\""));

    MetricsLog.History history = MetricsLog.read(MetricsLog.file(runDir));
    // Records compare doubles by their bits, so NaN (written as null) must come back as NaN.
    assertEquals(steps, history.steps());
    assertEquals(List.of(noValidation), history.epochs());
    assertTrue(Double.isNaN(history.steps().get(1).loss()));
  }

  @Test
  void appendsWhenAResumedRunOpensTheSameLog() throws IOException {
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(0, 0, 3.0));
      log.stepEnded(step(0, 1, 2.9));
      log.epochEnded(epoch(0, 2, 2.8));
      log.runEnded("stopped at step 2 on request");
    }
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(1, 2, 2.7));
      log.epochEnded(epoch(1, 3, 2.6));
    }
    MetricsLog.History history = MetricsLog.read(MetricsLog.file(runDir));
    assertEquals(List.of(step(0, 0, 3.0), step(0, 1, 2.9), step(1, 2, 2.7)), history.steps());
    assertEquals(List.of(epoch(0, 2, 2.8), epoch(1, 3, 2.6)), history.epochs());
  }

  @Test
  void flushesAtEveryEpochSoReadersSeeIt() throws IOException {
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(0, 0, 3.0));
      log.epochEnded(epoch(0, 1, 2.8));
      // Still open: the epoch must already be on disk.
      MetricsLog.History history = MetricsLog.read(MetricsLog.file(runDir));
      assertEquals(1, history.steps().size());
      assertEquals(1, history.epochs().size());
    }
  }

  /** A checkpoint after step 2: steps 0 to 2 are on disk before it, so kill -9 leaves no hole. */
  @Test
  void flushesBeforeEveryCheckpointSoAResumedRunHasNoHole() throws IOException {
    try (MetricsLog log = new MetricsLog(runDir)) {
      for (int s = 0; s < 3; s++) {
        log.stepEnded(step(0, s, 3.0 - s));
      }
      log.checkpointing(3);
      // Still open, no epoch ended, well within the 30 s: the steps must already be on disk.
      assertEquals(3, MetricsLog.read(MetricsLog.file(runDir)).steps().size());
    }
  }

  @Test
  void numbersDoNotFollowTheLocale() throws IOException {
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(new StepReport(0, 0, 0, 10, 1234.5, 0.5, 0.25, 0.5f, 1.0e7));
    } finally {
      Locale.setDefault(saved);
    }
    String line = Files.readString(MetricsLog.file(runDir));
    assertTrue(line.contains("\"loss\":1234.5,"), line);
    assertTrue(line.contains("\"images_per_second\":1.0E7}"), line);
    assertFalse(line.contains("1234,5"), line);
  }

  @Test
  void escapesStringsSoEachRecordStaysOnOneLine() throws IOException {
    String reason = "failed at step 7: \"loss\" is NaN\n\tin layer conv1 \\ fc8 \u0001";
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.runEnded(reason);
      log.stepEnded(step(0, 0, 1.0));
    }
    List<String> lines = Files.readAllLines(MetricsLog.file(runDir));
    assertEquals(2, lines.size());
    assertEquals(reason, MetricsLog.JsonLine.parse(lines.get(0)).get("reason"));
    assertEquals(List.of(step(0, 0, 1.0)), MetricsLog.read(MetricsLog.file(runDir)).steps());
  }

  @Test
  void dropsALastLineCutShortByACrashBeforeAppending() throws IOException {
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(0, 0, 3.0));
    }
    Files.writeString(
        MetricsLog.file(runDir),
        "{\"kind\":\"step\",\"epoch\":0,\"st",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    // A reader tolerates the cut line while it is the last one...
    assertEquals(1, MetricsLog.read(MetricsLog.file(runDir)).steps().size());

    // ...and the next run removes it, so its first line does not get glued onto it.
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(0, 1, 2.0));
    }
    List<String> lines = Files.readAllLines(MetricsLog.file(runDir));
    assertEquals(2, lines.size(), String.join("\n", lines));
    assertEquals(
        List.of(step(0, 0, 3.0), step(0, 1, 2.0)),
        MetricsLog.read(MetricsLog.file(runDir)).steps());
  }

  @Test
  void aCorruptLineInsideTheLogFailsWithItsNumber() throws IOException {
    Path file = MetricsLog.file(runDir);
    try (MetricsLog log = new MetricsLog(runDir)) {
      log.stepEnded(step(0, 0, 3.0));
    }
    Files.writeString(file, "{\"kind\":\"step\",\"epoch\":0}\n", StandardOpenOption.APPEND);
    Files.writeString(file, "{\"kind\":\"nonsense\"}\n", StandardOpenOption.APPEND);

    IOException missing = assertThrows(IOException.class, () -> MetricsLog.read(file));
    assertTrue(missing.getMessage().contains("line 2"), missing.getMessage());
    assertTrue(missing.getMessage().contains("missing field \"step\""), missing.getMessage());
  }

  @Test
  void anUnknownKindNamesTheKnownOnes() throws IOException {
    Path file = MetricsLog.file(runDir);
    Files.writeString(file, "{\"kind\":\"nonsense\"}\n");
    IOException e = assertThrows(IOException.class, () -> MetricsLog.read(file));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    assertTrue(e.getMessage().contains("known kinds: step, epoch, end"), e.getMessage());
  }

  @Test
  void parserRejectsWhatIsNotAFlatObject() {
    assertThrows(IllegalArgumentException.class, () -> MetricsLog.JsonLine.parse("[1,2]"));
    assertThrows(IllegalArgumentException.class, () -> MetricsLog.JsonLine.parse("{\"a\":1"));
    assertThrows(IllegalArgumentException.class, () -> MetricsLog.JsonLine.parse("{\"a\":1}x"));
    assertThrows(IllegalArgumentException.class, () -> MetricsLog.JsonLine.parse("{\"a\":NaN}"));
    assertEquals(
        "2.5E-3", MetricsLog.JsonLine.parse(" { \"a\" : 2.5E-3 , \"b\": null } ").get("a"));
  }

  @Test
  void writingAfterCloseFailsNamingTheFile() throws IOException {
    MetricsLog log = new MetricsLog(runDir);
    log.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> log.stepEnded(step(0, 0, 1.0)));
    assertTrue(e.getMessage().contains(MetricsLog.FILE_NAME), e.getMessage());
  }
}
