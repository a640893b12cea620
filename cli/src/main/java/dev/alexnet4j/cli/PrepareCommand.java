package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.augment.AugmentSettings;
import dev.alexnet4j.augment.Preparer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alexnet4j prepare SRC DEST}: the paper's 256x256 preprocessing done once, to JPEGs. */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Rescale every image of SRC/train/<class>/ and SRC/val/ (class folders, or ILSVRC's flat"
          + " val/ with its ground truth or LOC_val_solution.csv) so the shorter side is"
          + " preprocess.shorter-side (256), cut the central center-size square and write it as"
          + " a JPEG under DEST in the same layout (flat val/ becomes val/<wnid>/). Computes the"
          + " training mean and PCA on the way, where train finds them. Run it again after an"
          + " interruption: finished images are skipped.",
      "Then: alexnet4j train --data DEST"
    })
final class PrepareCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SRC", description = "Data as distributed.")
  Path source;

  @Parameters(index = "1", paramLabel = "DEST", description = "Folder for the prepared data.")
  Path destination;

  @Option(
      names = "--quality",
      defaultValue = "90",
      description = "JPEG quality, 1 to 100 (default ${DEFAULT-VALUE}).")
  int quality;

  @Option(names = "--workers", paramLabel = "N", description = "Threads (default: every core).")
  Integer workers;

  @Override
  public Integer call() throws Exception {
    if (quality < 1 || quality > 100) {
      throw new UserError("--quality must be 1 to 100, got " + quality);
    }
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      throw new UserError("--workers must be at least 1, got " + threads);
    }
    if (source.toAbsolutePath().normalize().equals(destination.toAbsolutePath().normalize())) {
      throw new UserError("SRC and DEST are the same folder; prepare writes a copy");
    }
    Config config = options.load(new LinkedHashMap<>());
    AugmentSettings settings = AugmentSettings.from(config);
    PrintWriter out = spec.commandLine().getOut();
    Preparer.Result r;
    try (Bar bar = new Bar(System.err, System.console() != null)) {
      r = new Preparer(settings, quality, threads).prepare(source, destination, bar);
    }
    out.printf(
        Locale.ROOT,
        "%d images written, %d already prepared, %d unreadable skipped, in %.1f s (%.1f images/s,"
            + " %d threads)%n",
        r.written(),
        r.existing(),
        r.unreadable().size(),
        r.seconds(),
        r.imagesPerSecond(),
        threads);
    for (String u : r.unreadable()) {
      out.println("unreadable, skipped: " + u);
    }
    for (String p : r.problems()) {
      out.println("validation labels: " + p);
    }
    r.statistics().ifPresent(f -> out.println("training mean and PCA: " + f));
    out.println("next: alexnet4j train --data " + destination);
    return 0;
  }

  /** Each rendering on its own line, once: closing a bar renders it twice in a row. */
  private static final class NewLines implements java.util.function.Consumer<String> {
    private final PrintStream out;
    private String last;

    NewLines(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void accept(String line) {
      if (!line.equals(last)) {
        out.println(line);
        last = line;
      }
    }
  }

  /** The progress bar: images/s and time left; ASCII lines every 15 s when not on a terminal. */
  private static final class Bar implements Preparer.Progress, AutoCloseable {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    Bar(PrintStream out, boolean interactive) {
      this.out = out;
      this.interactive = interactive;
    }

    @Override
    public void start(long images) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("prepare")
              .setInitialMax(images)
              .setUnit(" img", 1)
              .showSpeed()
              .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
              .setStyle(interactive ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(interactive ? 500 : 15_000)
              .setConsumer(
                  interactive
                      ? new ConsoleProgressBarConsumer(out)
                      : new DelegatingProgressBarConsumer(new NewLines(out), 160))
              .build();
    }

    @Override
    public void step() {
      bar.step();
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
