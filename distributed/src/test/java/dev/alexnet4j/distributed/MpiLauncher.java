package dev.alexnet4j.distributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a Java main class as an MPI job from a test: {@code mpirun -np N java -cp <this JVM's
 * class path> Main args}, with a timeout, and collects each rank's output separately (mpirun's
 * {@code --output-filename}). Immutable; each {@code with...} returns a changed copy.
 *
 * <pre>{@code
 * MpiRun run = MpiLauncher.ranks(4).overTcpLoopback().oversubscribe()
 *     .withSystemProperty("alexnet4j.distributed.timeout-seconds", "5")
 *     .run(MyMain.class, "arg");
 * }</pre>
 */
public final class MpiLauncher {
  private static final String MPIRUN = "mpirun";

  private final int ranks;
  private final List<String> mpiOptions;
  private final List<String> jvmOptions;
  private final Duration timeout;

  private MpiLauncher(
      int ranks, List<String> mpiOptions, List<String> jvmOptions, Duration timeout) {
    this.ranks = ranks;
    this.mpiOptions = List.copyOf(mpiOptions);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.timeout = timeout;
  }

  /**
   * {@code ranks} processes with small-JVM defaults (a 512 MB heap, serial GC, C1 only: many JVMs
   * share a few cores, and the work is in native code) and a 2-minute timeout.
   */
  public static MpiLauncher ranks(int ranks) {
    if (ranks <= 0) {
      throw new IllegalArgumentException("ranks must be > 0, got " + ranks);
    }
    return new MpiLauncher(
        ranks,
        List.of(),
        List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        Duration.ofMinutes(2));
  }

  /**
   * Empty when jobs can be launched here: {@code mpirun} is on the PATH and Open MPI's library
   * loads; otherwise why not, for a skip message.
   */
  public static Optional<String> whyUnavailable() {
    if (findOnPath(MPIRUN).isEmpty()) {
      return Optional.of(
          MPIRUN + " is not on the PATH (" + System.getenv("PATH") + "); install openmpi-bin");
    }
    return OpenMpi.whyNotLoadable();
  }

  /** Only the TCP transport, on the loopback interface: the path used between machines. */
  public MpiLauncher overTcpLoopback() {
    return withMpiOptions("--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", "lo");
  }

  /** Allows more ranks than cores (Open MPI refuses otherwise). */
  public MpiLauncher oversubscribe() {
    return withMpiOptions("--oversubscribe");
  }

  public MpiLauncher withMpiOptions(String... options) {
    List<String> all = new ArrayList<>(mpiOptions);
    all.addAll(List.of(options));
    return new MpiLauncher(ranks, all, jvmOptions, timeout);
  }

  /** Adds options of each rank's JVM, after the defaults (so a later {@code -Xmx} wins). */
  public MpiLauncher withJvmOptions(String... options) {
    List<String> all = new ArrayList<>(jvmOptions);
    all.addAll(List.of(options));
    return new MpiLauncher(ranks, mpiOptions, all, timeout);
  }

  public MpiLauncher withSystemProperty(String key, String value) {
    return withJvmOptions("-D" + key + "=" + value);
  }

  /** How long the whole job may run before the launcher kills mpirun and every rank. */
  public MpiLauncher withTimeout(Duration timeout) {
    return new MpiLauncher(ranks, mpiOptions, jvmOptions, timeout);
  }

  /** The command line {@link #run} executes, with {@code outputDirectory} for the rank files. */
  public List<String> command(Path outputDirectory, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(MPIRUN);
    command.add("-np");
    command.add(Integer.toString(ranks));
    command.addAll(mpiOptions);
    command.add("--output-filename");
    command.add(outputDirectory.toString());
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath());
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Runs the job to its end or the timeout, and returns what each rank wrote. */
  public MpiRun run(Class<?> mainClass, String... args) {
    try {
      Path work = Files.createTempDirectory("alexnet4j-mpirun-");
      try {
        return run(work, mainClass, args);
      } finally {
        deleteRecursively(work);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch " + MPIRUN + ": " + e.getMessage(), e);
    }
  }

  private MpiRun run(Path work, Class<?> mainClass, String... args) throws IOException {
    Path ranksDirectory = work.resolve("ranks");
    Path launcherLog = work.resolve("mpirun.log");
    List<String> command = command(ranksDirectory, mainClass, args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(launcherLog.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Map<String, String> env = builder.environment();
    // Variables of an enclosing MPI job would make the ranks join it instead of this one.
    env.keySet().removeIf(k -> k.startsWith("OMPI_") || k.startsWith("PMIX_"));
    if (runningAsRoot()) {
      // Open MPI refuses root unless told twice; CI containers run as root.
      env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
      env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    long start = System.nanoTime();
    Process process = builder.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      // The ranks are mpirun's descendants (through its daemon); kill them first, or they outlive
      // it.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    List<String> stdout = new ArrayList<>();
    List<String> stderr = new ArrayList<>();
    for (int r = 0; r < ranks; r++) {
      Optional<Path> dir = rankDirectory(ranksDirectory, r);
      stdout.add(read(dir.map(d -> d.resolve("stdout"))));
      stderr.add(read(dir.map(d -> d.resolve("stderr"))));
    }
    return new MpiRun(
        command,
        finished ? process.exitValue() : -1,
        !finished,
        elapsed,
        read(Optional.of(launcherLog)),
        stdout,
        stderr);
  }

  private String classPath() {
    // Surefire may start the test JVM through a manifest-only jar; its property has the real path.
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  private static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"))
        || ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  }

  // Open MPI 4 writes <dir>/<job>/rank.<r>/stdout; the job number is not ours to predict.
  private static Optional<Path> rankDirectory(Path root, int rank) throws IOException {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> paths = Files.walk(root, 3)) {
      return paths.filter(p -> p.getFileName().toString().equals("rank." + rank)).findFirst();
    }
  }

  private static String read(Optional<Path> file) throws IOException {
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return "";
    }
    return Files.readString(file.get(), StandardCharsets.UTF_8);
  }

  private static Optional<Path> findOnPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
