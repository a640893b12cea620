package dev.alexnet4j.experiments;

import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import java.io.PrintStream;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One progress bar over a whole experiment (every arm, seed and epoch), counted in training steps,
 * with the elapsed time and the time left, and beside it which run is training and how the last one
 * ended. On a terminal it redraws in place; otherwise (a log) it prints a line every {@value
 * #LOG_UPDATE_SECONDS} seconds.
 */
final class ExperimentProgress implements TrainingListener, AutoCloseable {
  static final int LOG_UPDATE_SECONDS = 15;
  private static final int INTERACTIVE_UPDATE_MILLIS = 500;
  private static final int LOG_LINE_WIDTH = 160;

  private final ProgressBar bar;
  private String run = "";
  private String last = "";

  ExperimentProgress(PrintStream out, boolean interactive, String name, long totalSteps) {
    ProgressBarConsumer consumer =
        interactive
            ? new ConsoleProgressBarConsumer(out)
            : new DelegatingProgressBarConsumer(new NewLines(out), LOG_LINE_WIDTH);
    bar =
        new ProgressBarBuilder()
            .setTaskName(name)
            .setInitialMax(totalSteps)
            .setStyle(interactive ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(
                interactive ? INTERACTIVE_UPDATE_MILLIS : LOG_UPDATE_SECONDS * 1000)
            .setConsumer(consumer)
            .build();
  }

  /** A run starts: {@code run} of {@code runs}, an arm under a seed. */
  synchronized void beginRun(int index, int runs, String arm, int seedIndex, int seeds) {
    run =
        "run " + (index + 1) + "/" + runs + ": " + arm + ", seed " + (seedIndex + 1) + "/" + seeds;
    bar.setExtraMessage(message(-1, 0));
  }

  /** The last run ended so; shown until the next one ends. */
  synchronized void endRun(String summary) {
    last = summary;
    bar.setExtraMessage(message(-1, 0));
  }

  @Override
  public synchronized void stepEnded(StepReport r) {
    bar.step();
    bar.setExtraMessage(message(r.epoch(), r.batchInEpoch()));
  }

  private String message(int epoch, int batch) {
    String where = epoch < 0 ? run : run + ", epoch " + (epoch + 1);
    return last.isEmpty() ? where : where + " | last: " + last;
  }

  @Override
  public synchronized void close() {
    bar.close();
  }

  /** Each rendering on its own line, skipping one equal to the line before. */
  private static final class NewLines implements Consumer<String> {
    private final PrintStream out;
    private String previous;

    NewLines(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void accept(String line) {
      if (!line.equals(previous)) {
        out.println(line);
        previous = line;
      }
    }
  }
}
