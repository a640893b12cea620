package dev.alexnet4j.cli.monitor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends every step and every epoch of a run to {@code <runDir>/metrics.jsonl}, one JSON object a
 * line, so a run can be followed with {@code tail -f} and its charts redrawn later.
 *
 * <p>The lines, in the order they happen:
 *
 * <pre>
 * {"kind":"step","epoch":0,"step":41,"batch_in_epoch":41,"batches_in_epoch":10009,"loss":6.9,
 *  "top1_error":0.99,"top5_error":0.97,"lr":0.01,"images_per_second":812.3}
 * {"kind":"epoch","epoch":0,"step":10009,"train_loss":5.1,"train_top1_error":0.9,
 *  "train_top5_error":0.75,"val_loss":4.8,"val_top1_error":0.85,"val_top5_error":0.66,"lr":0.01,
 *  "images_per_second":790.5,"skipped_files":0,"seconds":1622.4,"time":"2025-01-01T10:00:00Z"}
 * {"kind":"end","reason":"finished 90 epochs","time":"2025-01-04T08:00:00Z"}
 * </pre>
 *
 * <p>Errors are fractions (0.25 is 25%), as the trainer reports them. A value that is not finite
 * (NaN, such as the validation figures of a run without a validation set) is written as {@code
 * null} and read back as NaN. Numbers use {@link Double#toString}, which does not depend on the
 * locale and reads back to the same bits.
 *
 * <p>The file is opened for appending, so a resumed run continues the history of the run it
 * resumes. A last line cut short by a crash is removed on opening, so every line stays a whole
 * object. Steps are buffered; the file is flushed after every epoch, before every checkpoint (so a
 * run resumed from a checkpoint after a crash, even {@code kill -9}, finds every step before it),
 * when the run ends, and at least every {@value #FLUSH_EVERY_SECONDS} seconds. A resumed run may
 * repeat steps that were logged after its checkpoint; readers that draw the history (see {@link
 * TrainingCharts}) keep the latest occurrence.
 *
 * <p>Methods are synchronized, so {@link #close()} may come from a shutdown hook.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
  /** The log's name inside a run directory. */
  public static final String FILE_NAME = "metrics.jsonl";

  static final long FLUSH_EVERY_SECONDS = 30;

  private final Path file;
  private final Writer out;
  private long lastFlushNanos = System.nanoTime();
  private boolean closed;

  /**
   * Opens (or creates) {@code <runDir>/metrics.jsonl} for appending, creating {@code runDir} when
   * needed.
   */
  public MetricsLog(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    this.file = file(runDir);
    dropPartialLastLine(file);
    this.out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
  }

  /** Where the log of the run in {@code runDir} lives. */
  public static Path file(Path runDir) {
    return runDir.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void stepEnded(StepReport r) {
    write(
        new JsonLine("step")
            .field("epoch", r.epoch())
            .field("step", r.step())
            .field("batch_in_epoch", r.batchInEpoch())
            .field("batches_in_epoch", r.batchesInEpoch())
            .field("loss", r.loss())
            .field("top1_error", r.top1Error())
            .field("top5_error", r.top5Error())
            .field("lr", r.learningRate())
            .field("images_per_second", r.imagesPerSecond()));
    if (System.nanoTime() - lastFlushNanos > FLUSH_EVERY_SECONDS * 1_000_000_000L) {
      flush();
    }
  }

  @Override
  public synchronized void epochEnded(EpochReport r) {
    write(
        new JsonLine("epoch")
            .field("epoch", r.epoch())
            .field("step", r.step())
            .field("train_loss", r.trainLoss())
            .field("train_top1_error", r.trainTop1Error())
            .field("train_top5_error", r.trainTop5Error())
            .field("val_loss", r.validationLoss())
            .field("val_top1_error", r.validationTop1Error())
            .field("val_top5_error", r.validationTop5Error())
            .field("lr", r.learningRate())
            .field("images_per_second", r.imagesPerSecond())
            .field("skipped_files", r.skippedFiles())
            .field("seconds", r.seconds())
            .field("time", now()));
    flush();
  }

  /** A checkpoint follows: the steps before it go to disk first, so a resumed run has no hole. */
  @Override
  public synchronized void checkpointing(long step) {
    flush();
  }

  @Override
  public synchronized void runEnded(String reason) {
    write(new JsonLine("end").field("reason", String.valueOf(reason)).field("time", now()));
    flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private void write(JsonLine line) {
    if (closed) {
      throw new IllegalStateException("the metrics log " + file + " is closed");
    }
    try {
      out.write(line.end());
    } catch (IOException e) {
      throw new UncheckedIOException("could not append to the metrics log " + file, e);
    }
  }

  private void flush() {
    if (closed) {
      return;
    }
    try {
      out.flush();
      lastFlushNanos = System.nanoTime();
    } catch (IOException e) {
      throw new UncheckedIOException("could not flush the metrics log " + file, e);
    }
  }

  /** Cuts a last line that has no newline (a write cut short by a crash) so appends stay whole. */
  private static void dropPartialLastLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long end = raf.length();
      if (end == 0) {
        return;
      }
      raf.seek(end - 1);
      if (raf.read() == '\n') {
        return;
      }
      byte[] block = new byte[4096];
      long keep = 0;
      long pos = end;
      search:
      while (pos > 0) {
        int n = (int) Math.min(block.length, pos);
        pos -= n;
        raf.seek(pos);
        raf.readFully(block, 0, n);
        for (int i = n - 1; i >= 0; i--) {
          if (block[i] == '\n') {
            keep = pos + i + 1;
            break search;
          }
        }
      }
      raf.setLength(keep);
    }
  }

  /** Everything a metrics log holds, in the order it was written. */
  public record History(List<StepReport> steps, List<EpochReport> epochs) {
    public History {
      steps = List.copyOf(steps);
      epochs = List.copyOf(epochs);
    }
  }

  /**
   * Reads a metrics log back: its step and epoch records in file order ({@code end} records are
   * skipped). A last line without a newline that does not parse (a crash mid-write) is ignored; any
   * other line that does not parse fails with the file and line number.
   */
  public static History read(Path file) throws IOException {
    List<StepReport> steps = new ArrayList<>();
    List<EpochReport> epochs = new ArrayList<>();
    boolean endsWithNewline = endsWithNewline(file);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      int number = 0;
      while (line != null) {
        number++;
        String next = in.readLine();
        boolean partialLast = next == null && !endsWithNewline;
        if (!line.isBlank()) {
          try {
            Map<String, String> fields = JsonLine.parse(line);
            String kind = JsonLine.string(fields, "kind");
            switch (kind) {
              case "step" -> steps.add(step(fields));
              case "epoch" -> epochs.add(epoch(fields));
              case "end" -> {}
              default ->
                  throw new IllegalArgumentException(
                      "unknown kind \"" + kind + "\" (known kinds: step, epoch, end)");
            }
          } catch (IllegalArgumentException e) {
            if (!partialLast) {
              throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
            }
          }
        }
        line = next;
      }
    }
    return new History(steps, epochs);
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      if (raf.length() == 0) {
        return true;
      }
      raf.seek(raf.length() - 1);
      return raf.read() == '\n';
    }
  }

  private static StepReport step(Map<String, String> f) {
    return new StepReport(
        JsonLine.integer(f, "epoch"),
        JsonLine.longValue(f, "step"),
        JsonLine.integer(f, "batch_in_epoch"),
        JsonLine.integer(f, "batches_in_epoch"),
        JsonLine.number(f, "loss"),
        JsonLine.number(f, "top1_error"),
        JsonLine.number(f, "top5_error"),
        JsonLine.floatValue(f, "lr"),
        JsonLine.number(f, "images_per_second"));
  }

  private static EpochReport epoch(Map<String, String> f) {
    return new EpochReport(
        JsonLine.integer(f, "epoch"),
        JsonLine.longValue(f, "step"),
        JsonLine.number(f, "train_loss"),
        JsonLine.number(f, "train_top1_error"),
        JsonLine.number(f, "train_top5_error"),
        JsonLine.number(f, "val_loss"),
        JsonLine.number(f, "val_top1_error"),
        JsonLine.number(f, "val_top5_error"),
        JsonLine.floatValue(f, "lr"),
        JsonLine.number(f, "images_per_second"),
        JsonLine.longValue(f, "skipped_files"),
        JsonLine.number(f, "seconds"));
  }

  /**
   * Writes and parses the flat JSON objects of the log with Jackson: string keys; numbers, strings
   * and null as values. Numbers are written as {@link Double#toString} and {@link Float#toString}
   * write them, and read back as their text until a field is read, so longs and floats read back
   * exactly.
   */
  static final class JsonLine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode object = JSON.createObjectNode();

    JsonLine(String kind) {
      field("kind", kind);
    }

    JsonLine field(String name, String value) {
      object.put(name, value);
      return this;
    }

    JsonLine field(String name, long value) {
      object.put(name, value);
      return this;
    }

    JsonLine field(String name, double value) {
      if (Double.isFinite(value)) {
        object.put(name, value);
      } else {
        object.putNull(name);
      }
      return this;
    }

    JsonLine field(String name, float value) {
      if (Float.isFinite(value)) {
        object.put(name, value);
      } else {
        object.putNull(name);
      }
      return this;
    }

    String end() {
      try {
        return JSON.writeValueAsString(object) + "\n";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("could not write a metrics record", e);
      }
    }

    /**
     * Parses one flat object into field name -> value text (strings unquoted, numbers as written; a
     * JSON null maps to a Java null, so a null field and a missing one stay apart).
     */
    static Map<String, String> parse(String line) {
      Map<String, String> fields = new LinkedHashMap<>();
      try (JsonParser p = JSON.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw error(p, "expected '{'");
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          switch (p.nextToken()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> fields.put(key, p.getText());
            case VALUE_NULL -> fields.put(key, null);
            default -> throw error(p, "expected a number, a string or null");
          }
        }
        if (p.nextToken() != null) {
          throw error(p, "unexpected text after the object");
        }
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            e.getOriginalMessage() + " at column " + e.getLocation().getColumnNr(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return fields;
    }

    private static IllegalArgumentException error(JsonParser p, String what) {
      return new IllegalArgumentException(
          what + " at column " + p.currentTokenLocation().getColumnNr());
    }

    static String string(Map<String, String> f, String name) {
      String v = f.get(name);
      if (v == null) {
        throw new IllegalArgumentException(
            (f.containsKey(name) ? "null field \"" : "missing field \"") + name + "\"");
      }
      return v;
    }

    static double number(Map<String, String> f, String name) {
      if (!f.containsKey(name)) {
        throw new IllegalArgumentException("missing field \"" + name + "\"");
      }
      String v = f.get(name);
      if (v == null) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "field \"" + name + "\" is not a number: \"" + v + "\"", e);
      }
    }

    static float floatValue(Map<String, String> f, String name) {
      if (!f.containsKey(name)) {
        throw new IllegalArgumentException("missing field \"" + name + "\"");
      }
      String v = f.get(name);
      if (v == null) {
        return Float.NaN;
      }
      try {
        return Float.parseFloat(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "field \"" + name + "\" is not a number: \"" + v + "\"", e);
      }
    }

    static long longValue(Map<String, String> f, String name) {
      String v = string(f, name);
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "field \"" + name + "\" is not an integer: \"" + v + "\"", e);
      }
    }

    static int integer(Map<String, String> f, String name) {
      long v = longValue(f, name);
      if (v != (int) v) {
        throw new IllegalArgumentException("field \"" + name + "\" is out of int range: " + v);
      }
      return (int) v;
    }
  }
}
