package dev.alexnet4j.cli;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import com.typesafe.config.ConfigException;
import dev.alexnet4j.api.checkpoint.FileFormatException;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.train.NoTrainingStepException;
import dev.alexnet4j.api.train.NonFiniteException;
import dev.alexnet4j.augment.DatasetException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
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
      PrepareCommand.class,
      ExperimentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  static final int USER_ERROR = 2;
  static final int INTERNAL_ERROR = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Read before parsing ({@link Plugins}), anywhere on the line; declared here for the help. */
  @CommandLine.Option(
      names = Plugins.OPTION,
      paramLabel = "PATHS",
      description =
          "User jars (layers, modules, backends) to load, or folders of jars, separated by"
              + " '${sys:path.separator}'; also read: ~/.alexnet4j/plugins and ALEXNET4J_PLUGINS"
              + " (docs/EXTENDING.md). May follow the command too.")
  List<String> plugins;

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

  /**
   * Runs one command line; what it prints goes to {@code out} and {@code err}. The user's plug-in
   * jars ({@link Plugins}: {@code ~/.alexnet4j/plugins}, {@code ALEXNET4J_PLUGINS}, {@code
   * --plugins}) are loaded first.
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return execute(args, out, err, Plugins.defaultFolder(), System.getenv(Plugins.ENVIRONMENT));
  }

  /**
   * {@link #execute(String[], PrintWriter, PrintWriter)} with the plug-in folder and the value of
   * {@code ALEXNET4J_PLUGINS} given (tests).
   */
  static int execute(
      String[] args, PrintWriter out, PrintWriter err, Path pluginFolder, String pluginPaths) {
    List<Path> jars;
    try {
      jars = Plugins.jars(pluginFolder, pluginPaths, Plugins.optionValues(args));
    } catch (UserError | UncheckedIOException e) {
      err.println("alexnet4j: " + e.getMessage());
      return USER_ERROR;
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Config, alexnet4j.modules, Guice and ServiceLoader read the context class loader; threads the
    // command starts inherit it. Not closed after: a class the command loaded lazily may still be
    // in use by a thread that outlives it.
    thread.setContextClassLoader(Plugins.loader(jars, Main.class.getClassLoader()));
    try {
      if (!jars.isEmpty()) {
        LoggerFactory.getLogger(Main.class).info("plug-in jars: {}", jars);
      }
      CommandLine cli = new CommandLine(new Main());
      cli.setOut(out);
      cli.setErr(err);
      cli.setExecutionExceptionHandler(
          (e, commandLine, parseResult) -> report(e, commandLine.getErr()));
      return cli.execute(Plugins.withoutOption(args).toArray(String[]::new));
    } finally {
      thread.setContextClassLoader(previous);
    }
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
      String fromGuice = userMessageOfGuice(t);
      if (fromGuice != null) {
        return fromGuice;
      }
      if (t instanceof UserError
          || t instanceof ConfigurationException
          || t instanceof ConfigException
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
      if (t instanceof FileSystemException f) {
        // A path the user gave that cannot be used: a folder where a file goes, no permission.
        return f.getFile() + ": " + fileProblem(f);
      }
    }
    return null;
  }

  /**
   * Guice reports a failure while building a backend once per binding that needed it, and then
   * names no single cause: the first user-fixable cause among its messages.
   */
  private static String userMessageOfGuice(Throwable t) {
    Collection<Message> messages =
        t instanceof CreationException c
            ? c.getErrorMessages()
            : t instanceof ProvisionException p ? p.getErrorMessages() : List.of();
    for (Message m : messages) {
      if (m.getCause() != null) {
        String message = userMessage(m.getCause());
        if (message != null) {
          return message;
        }
      }
    }
    return null;
  }

  private static String fileProblem(FileSystemException f) {
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "is in the way (it exists and is not a folder)";
    }
    if (f instanceof NotDirectoryException) {
      return "is not a folder";
    }
    return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
  }

  static Path logFile() {
    String configured = System.getProperty("alexnet4j.log.file");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".alexnet4j", "logs", "alexnet4j.log");
  }
}
