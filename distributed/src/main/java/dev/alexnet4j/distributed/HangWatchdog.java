package dev.alexnet4j.distributed;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a job whose collective never returns. Every rank blocks in a collective until all ranks have
 * entered it, so one rank that hangs (or dies unnoticed) stalls the others forever; MPI has no
 * timeout of its own. Each guarded operation arms an alarm; if the operation has not returned when
 * it rings, the watchdog reports this rank and the operation and runs the hang action (the MPI
 * collectives call {@code MPI_Abort}, which ends every rank).
 */
final class HangWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HangWatchdog.class);

  private final Duration timeout;
  private final String rankLabel;
  private final Consumer<String> onHang;
  private final ScheduledThreadPoolExecutor timer;

  /**
   * @param rankLabel how messages name this process, e.g. {@code rank 1 of 4}
   * @param onHang given the message; must end the job (it runs on the watchdog's thread while the
   *     guarded operation is still blocked)
   */
  HangWatchdog(Duration timeout, String rankLabel, Consumer<String> onHang) {
    this.timeout = timeout;
    this.rankLabel = rankLabel;
    this.onHang = onHang;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "collective-watchdog (" + rankLabel + ")");
              // A watchdog must never keep a finished JVM alive.
              t.setDaemon(true);
              return t;
            });
    // Millions of cancelled alarms (one per step) would otherwise sit in the queue until due.
    timer.setRemoveOnCancelPolicy(true);
  }

  Duration timeout() {
    return timeout;
  }

  /** Runs {@code operation}, ending the job if it takes longer than the timeout. */
  void guard(String operationName, Runnable operation) {
    ScheduledFuture<?> alarm =
        timer.schedule(() -> ring(operationName), timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      operation.run();
    } finally {
      alarm.cancel(false);
    }
  }

  private void ring(String operationName) {
    String message =
        rankLabel
            + ": "
            + operationName
            + " did not finish within "
            + seconds(timeout)
            + " s ("
            + DistributedSettings.PATH
            + ".timeout-seconds); another rank has most likely died or hung."
            + " Aborting the whole job.";
    log.error(message);
    // Also straight to stderr: with no SLF4J binding the log line would be lost, and this is the
    // only explanation the user gets of why the job ended; mpirun forwards it.
    System.err.println("ERROR " + message);
    System.err.flush();
    onHang.accept(message);
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
