package dev.alexnet4j.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one {@link MpiLauncher} launch left behind.
 *
 * @param command the command line, for messages
 * @param exitCode mpirun's exit status (-1 when it was killed for running past the timeout)
 * @param timedOut whether the launcher killed it
 * @param elapsed from start to exit (or kill)
 * @param launcherOutput mpirun's own stdout and stderr, interleaved with the ranks' forwarded
 *     output
 * @param rankStdout each rank's stdout by rank; empty for a rank that wrote nothing
 * @param rankStderr each rank's stderr by rank
 */
public record MpiRun(
    List<String> command,
    int exitCode,
    boolean timedOut,
    Duration elapsed,
    String launcherOutput,
    List<String> rankStdout,
    List<String> rankStderr) {

  /** The values of the {@code RESULT key value} lines rank {@code rank} printed for {@code key}. */
  public List<String> results(int rank, String key) {
    List<String> values = new ArrayList<>();
    String prefix = "RESULT " + key + " ";
    for (String line : rankStdout.get(rank).split("\n")) {
      if (line.startsWith(prefix)) {
        values.add(line.substring(prefix.length()).trim());
      }
    }
    return values;
  }

  /** The single value of {@code key} on {@code rank}, if it printed exactly one. */
  public Optional<String> result(int rank, String key) {
    List<String> values = results(rank, key);
    return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
  }

  /** Everything, for an assertion message that lets a failure be diagnosed from the report. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(String.join(" ", command)).append('\n');
    s.append("exit ").append(exitCode).append(timedOut ? " (killed: timed out)" : "");
    s.append(" after ").append(elapsed.toMillis()).append(" ms\n");
    s.append("--- mpirun output ---\n").append(launcherOutput);
    for (int r = 0; r < rankStdout.size(); r++) {
      s.append("--- rank ").append(r).append(" stdout ---\n").append(rankStdout.get(r));
      s.append("--- rank ").append(r).append(" stderr ---\n").append(rankStderr.get(r));
    }
    return s.toString();
  }
}
