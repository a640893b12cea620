package dev.alexnet4j.cli.monitor;

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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

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
   * Writes and parses the flat JSON objects of the log: string keys; numbers, strings and null as
   * values. Numbers are kept as their text until a field is read, so longs and floats read back
   * exactly.
   */
  static final class JsonLine {
    private final StringBuilder text = new StringBuilder(256).append('{');

    JsonLine(String kind) {
      field("kind", kind);
    }

    JsonLine field(String name, String value) {
      key(name);
      quote(text, value);
      return this;
    }

    JsonLine field(String name, long value) {
      key(name).append(value);
      return this;
    }

    JsonLine field(String name, double value) {
      key(name).append(Double.isFinite(value) ? Double.toString(value) : "null");
      return this;
    }

    JsonLine field(String name, float value) {
      key(name).append(Float.isFinite(value) ? Float.toString(value) : "null");
      return this;
    }

    private StringBuilder key(String name) {
      if (text.length() > 1) {
        text.append(',');
      }
      quote(text, name);
      return text.append(':');
    }

    String end() {
      return text.append("}\n").toString();
    }

    private static void quote(StringBuilder out, String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }

    /**
     * Parses one flat object into field name -> value text (strings unquoted; a JSON null maps to a
     * Java null, so a null field and a missing one stay apart).
     */
    static Map<String, String> parse(String line) {
      Parser p = new Parser(line);
      Map<String, String> fields = new LinkedHashMap<>();
      p.skipSpace();
      p.expect('{');
      p.skipSpace();
      if (p.peek() == '}') {
        p.pos++;
      } else {
        while (true) {
          p.skipSpace();
          String key = p.string();
          p.skipSpace();
          p.expect(':');
          p.skipSpace();
          fields.put(key, p.value());
          p.skipSpace();
          char c = p.next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            throw p.error("expected ',' or '}'");
          }
        }
      }
      p.skipSpace();
      if (p.pos != line.length()) {
        throw p.error("unexpected text after the object");
      }
      return fields;
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

    private static final class Parser {
      private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

      private final String s;
      private int pos;

      Parser(String s) {
        this.s = s;
      }

      char peek() {
        if (pos >= s.length()) {
          throw error("unexpected end of line");
        }
        return s.charAt(pos);
      }

      char next() {
        char c = peek();
        pos++;
        return c;
      }

      void expect(char c) {
        if (next() != c) {
          pos--;
          throw error("expected '" + c + "'");
        }
      }

      void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
          pos++;
        }
      }

      String value() {
        char c = peek();
        if (c == '"') {
          return string();
        }
        int start = pos;
        while (pos < s.length() && ",}] \t".indexOf(s.charAt(pos)) < 0) {
          pos++;
        }
        String token = s.substring(start, pos);
        if (token.equals("null")) {
          return null;
        }
        if (!NUMBER.matcher(token).matches()) {
          pos = start;
          throw error("expected a number, a string or null");
        }
        return token;
      }

      String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
          char c = next();
          if (c == '"') {
            return out.toString();
          }
          if (c != '\\') {
            out.append(c);
            continue;
          }
          char e = next();
          switch (e) {
            case '"', '\\', '/' -> out.append(e);
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              if (pos + 4 > s.length()) {
                throw error("short \\u escape");
              }
              try {
                out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
              } catch (NumberFormatException ex) {
                throw error("bad \\u escape");
              }
              pos += 4;
            }
            default -> throw error("bad escape \\" + e);
          }
        }
      }

      IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at column " + (pos + 1));
      }
    }
  }
}
