package dev.alexnet4j.cli.monitor;

import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.StepReport;
import dev.alexnet4j.api.train.TrainingListener;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One console progress bar per epoch ("epoch N", numbered from 0 like the trainer's epochs), with
 * the epoch's running mean loss, top-1 and top-5 error and a smoothed images/s beside it, and the
 * library's elapsed time and ETA; at the end of each epoch a summary line:
 *
 * <pre>
 * epoch 3: train loss 2.3456 top-1 err 55.12% top-5 err 30.01% | val loss 2.1000 top-1 err 50.00%
 *     top-5 err 25.00% | lr 0.01 | 812 img/s | 1622.4 s
 * </pre>
 *
 * (on one line). On an interactive console the bar redraws in place with Unicode blocks. Without
 * one ({@code System.console() == null}: output piped or sent to a log file) the bar is ASCII and
 * printed as a new line every {@value #LOG_UPDATE_SECONDS} seconds instead of being redrawn with
 * carriage returns, so logs stay readable.
 *
 * <p>A run resumed mid-epoch starts its bar at the resumed batch, so the ETA counts only the
 * batches left. Steps beyond the epoch's announced size widen the bar rather than failing.
 */
public final class ProgressBars implements TrainingListener, AutoCloseable {
  static final int LOG_UPDATE_SECONDS = 15;
  private static final int INTERACTIVE_UPDATE_MILLIS = 500;
  private static final int LOG_LINE_WIDTH = 160;
  private static final double SPEED_SMOOTHING = 0.1;

  private final PrintStream out;
  private final boolean interactive;

  private ProgressBar bar;
  private int barEpoch;
  private double lossSum;
  private double top1Sum;
  private double top5Sum;
  private int errorSteps;
  private int lossSteps;
  private double speed = Double.NaN;

  /** Draws on {@code out}; interactive when the JVM has a console ({@code System.console()}). */
  public ProgressBars(PrintStream out) {
    this(out, System.console() != null);
  }

  /**
   * @param interactive redraw the bar in place (a terminal) rather than print it as log lines
   */
  public ProgressBars(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  @Override
  public synchronized void stepEnded(StepReport r) {
    if (bar == null || r.epoch() != barEpoch) {
      closeBar();
      openBar(r);
    }
    if (Double.isFinite(r.loss())) {
      lossSum += r.loss();
      lossSteps++;
    }
    if (Double.isFinite(r.top1Error()) && Double.isFinite(r.top5Error())) {
      top1Sum += r.top1Error();
      top5Sum += r.top5Error();
      errorSteps++;
    }
    if (Double.isFinite(r.imagesPerSecond())) {
      speed =
          Double.isNaN(speed)
              ? r.imagesPerSecond()
              : speed + SPEED_SMOOTHING * (r.imagesPerSecond() - speed);
    }
    bar.stepTo(r.batchInEpoch() + 1L);
    bar.setExtraMessage(stepMessage());
  }

  @Override
  public synchronized void epochEnded(EpochReport r) {
    closeBar();
    out.println(summary(r));
    out.flush();
  }

  /** Closes an open bar (a run stopped mid-epoch); the reason is the caller's to report. */
  @Override
  public synchronized void runEnded(String reason) {
    closeBar();
    out.flush();
  }

  @Override
  public synchronized void close() {
    closeBar();
  }

  private void openBar(StepReport r) {
    barEpoch = r.epoch();
    lossSum = 0;
    top1Sum = 0;
    top5Sum = 0;
    lossSteps = 0;
    errorSteps = 0;
    speed = Double.NaN;
    ProgressBarConsumer consumer =
        interactive
            ? new ConsoleProgressBarConsumer(out)
            : new DelegatingProgressBarConsumer(new NewLines(out), LOG_LINE_WIDTH);
    bar =
        new ProgressBarBuilder()
            .setTaskName("epoch " + r.epoch())
            .setInitialMax(r.batchesInEpoch())
            .setStyle(interactive ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(
                interactive ? INTERACTIVE_UPDATE_MILLIS : LOG_UPDATE_SECONDS * 1000)
            .setConsumer(consumer)
            // A resumed epoch starts part-way; the ETA then counts only what is left.
            .startsFrom(r.batchInEpoch(), Duration.ZERO)
            .build();
  }

  /**
   * Prints each rendering as its own line, skipping one equal to the line before: closing a bar
   * renders it twice in a row (the library's last refresh, then its final one).
   */
  private static final class NewLines implements Consumer<String> {
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

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  private String stepMessage() {
    return String.format(
        Locale.ROOT,
        "loss %s, top-1 err %s, top-5 err %s, %s img/s",
        decimal(lossSteps == 0 ? Double.NaN : lossSum / lossSteps, 4),
        percent(errorSteps == 0 ? Double.NaN : top1Sum / errorSteps),
        percent(errorSteps == 0 ? Double.NaN : top5Sum / errorSteps),
        decimal(speed, 0));
  }

  /** The epoch's one-line summary. */
  static String summary(EpochReport r) {
    StringBuilder s = new StringBuilder(160);
    s.append("epoch ")
        .append(r.epoch())
        .append(": train ")
        .append(figures(r.trainLoss(), r.trainTop1Error(), r.trainTop5Error()));
    s.append(" | val ");
    if (Double.isNaN(r.validationLoss())
        && Double.isNaN(r.validationTop1Error())
        && Double.isNaN(r.validationTop5Error())) {
      s.append("n/a");
    } else {
      s.append(figures(r.validationLoss(), r.validationTop1Error(), r.validationTop5Error()));
    }
    s.append(" | lr ").append(rate(r.learningRate()));
    s.append(" | ").append(decimal(r.imagesPerSecond(), 0)).append(" img/s");
    s.append(" | ").append(decimal(r.seconds(), 1)).append(" s");
    if (r.skippedFiles() > 0) {
      s.append(" | ").append(r.skippedFiles()).append(" files skipped");
    }
    return s.toString();
  }

  private static String figures(double loss, double top1, double top5) {
    return "loss "
        + decimal(loss, 4)
        + " top-1 err "
        + percent(top1)
        + " top-5 err "
        + percent(top5);
  }

  private static String decimal(double v, int digits) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
  }

  private static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : "n/a";
  }

  /** 0.01 rather than 1.0E-2 or 0.0100; exact digits of the float. */
  private static String rate(float lr) {
    return Float.isFinite(lr)
        ? new BigDecimal(Float.toString(lr)).stripTrailingZeros().toPlainString()
        : "n/a";
  }
}
