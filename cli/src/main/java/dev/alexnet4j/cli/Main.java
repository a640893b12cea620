package dev.alexnet4j.cli;

import dev.alexnet4j.api.checkpoint.FileFormatException;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.train.NoTrainingStepException;
import dev.alexnet4j.api.train.NonFiniteException;
import dev.alexnet4j.augment.DatasetException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code alexnet4j} command. It parses, loads config and hands over to the library. */
@Command(
    name = "alexnet4j",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "Train, evaluate and run AlexNet (Krizhevsky, Sutskever, Hinton 2012) on the JVM.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      PredictCommand.class,
      BenchCommand.class,
      InfoCommand.class,
      FeaturesCommand.class,
      SimilarCommand.class,
      FiltersCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  static final int USER_ERROR = 2;
  static final int INTERNAL_ERROR = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  public static void main(String[] args) {
    // Charts are drawn off screen; no AWT class may look for a display first.
    System.setProperty("java.awt.headless", "true");
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; what it prints goes to {@code out} and {@code err}. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> report(e, commandLine.getErr()));
    return cli.execute(args);
  }

  /** One line for what the user can fix; a pointer to the log for the rest. */
  static int report(Exception e, PrintWriter err) {
    Logger log = LoggerFactory.getLogger(Main.class);
    String message = userMessage(e);
    if (message != null) {
      // Below the console's threshold: the user sees the one line below, the log keeps the trace.
      log.info("command failed: {}", message, e);
      err.println("alexnet4j: " + message);
      return USER_ERROR;
    }
    log.error("command failed", e);
    err.println("alexnet4j: internal error: " + e + " (stack trace in " + logFile() + ")");
    return INTERNAL_ERROR;
  }

  private static String userMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError
          || t instanceof ConfigurationException
          || t instanceof DatasetException
          || t instanceof WeightsMismatchException
          || t instanceof FileFormatException
          || t instanceof NonFiniteException
          || t instanceof NoTrainingStepException) {
        return t.getMessage();
      }
      if (t instanceof NoSuchFileException n) {
        return "no such file: " + n.getFile();
      }
    }
    return null;
  }

  static Path logFile() {
    String configured = System.getProperty("alexnet4j.log.file");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".alexnet4j", "logs", "alexnet4j.log");
  }
}
