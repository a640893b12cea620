package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real jobs: {@code mpirun} starts 2 or 4 JVMs running {@link MpiTestMain}, over Open MPI's default
 * transports and over TCP on loopback (the path between machines). Skipped only where {@code
 * mpirun} or Open MPI's library is missing.
 */
class MpiCollectiveMultiProcessTest {
  /** More than one MPI message (Open MPI pipelines large buffers in fragments) and not round. */
  private static final int COUNT = 1_000_003;

  private static final int HANG_TIMEOUT_SECONDS = 5;

  /** JVM start-up of 4 ranks on 2 busy cores, plus MPI_Init, before the timeout can start. */
  private static final long START_UP_SLACK_MS = 60_000;

  // Per test, not @BeforeAll: surefire reports a class-level skip as zero tests, hiding the reason.
  @BeforeEach
  void requireMpi() {
    Optional<String> why = MpiLauncher.whyUnavailable();
    assumeTrue(why.isEmpty(), () -> "skipped, Open MPI is missing: " + why.orElse(""));
  }

  @Test
  void twoRanksOnDefaultTransports() {
    // Shared memory, but without its single-copy (CMA) path, which containers without ptrace
    // rights refuse; and oversubscribed, for runners whose 2 CPUs are one core's 2 threads.
    MpiRun run =
        MpiLauncher.ranks(2)
            .oversubscribe()
            .withMpiOptions("--mca", "btl_vader_single_copy_mechanism", "none")
            .run(MpiTestMain.class, "collectives", "" + COUNT);
    assertCollectivesCorrect(run, 2);
  }

  @Test
  void fourRanksOverTcpOnLoopback() {
    MpiRun run =
        MpiLauncher.ranks(4)
            .oversubscribe()
            .overTcpLoopback()
            .run(MpiTestMain.class, "collectives", "" + COUNT);
    assertCollectivesCorrect(run, 4);
  }

  private static void assertCollectivesCorrect(MpiRun run, int size) {
    assertEquals(0, run.exitCode(), run::describe);
    String expectedFloats =
        MpiTestMain.crcOfFloats(MpiTestMain.seededFloats(COUNT, MpiTestMain.BROADCAST_SEED), COUNT);
    byte[] expectedBytes = new byte[1000];
    new Random(MpiTestMain.BROADCAST_SEED).nextBytes(expectedBytes);
    float lastSum = size * (size + 1) / 2f * ((COUNT - 1) % MpiTestMain.PERIOD);
    long lastEntered = Long.MIN_VALUE;
    long firstLeft = Long.MAX_VALUE;
    List<Integer> localRanks = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      String where = "rank " + r + "\n" + run.describe();
      assertEquals(Optional.of("" + size), run.result(r, "size"), where);
      assertEquals(Optional.of("0"), run.result(r, "allreduce-mismatches"), where);
      assertEquals(Optional.of("" + lastSum), run.result(r, "allreduce-last"), where);
      assertEquals(Optional.of(expectedFloats), run.result(r, "broadcast-floats-crc"), where);
      assertEquals(
          Optional.of(MpiTestMain.crc(expectedBytes)), run.result(r, "broadcast-bytes-crc"), where);
      assertEquals(Optional.of("true"), run.result(r, "done"), where);
      lastEntered = Math.max(lastEntered, Long.parseLong(run.result(r, "barrier-entered").get()));
      firstLeft = Math.min(firstLeft, Long.parseLong(run.result(r, "barrier-left").get()));
      localRanks.add(Integer.parseInt(run.result(r, "local-rank").get()));
    }
    assertTrue(
        firstLeft >= lastEntered,
        "a rank left the barrier at "
            + firstLeft
            + " before the last entered at "
            + lastEntered
            + "\n"
            + run.describe());
    // One machine: local ranks are the ranks, each once.
    assertEquals(List.copyOf(new java.util.TreeSet<>(localRanks)), range(size), run::describe);
  }

  /**
   * Rank 1 ends mid-job without finalizing: {@code halt} crashes (status 3), {@code exit} returns
   * status 0 as a rank that quit early would. Either way mpirun notices and ends the job naming it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"halt", "exit"})
  void aRankThatDiesEndsTheJobNamingIt(String scenario) {
    long start = System.currentTimeMillis();
    MpiRun run =
        MpiLauncher.ranks(4)
            .oversubscribe()
            .overTcpLoopback()
            .withSystemProperty("alexnet4j.distributed.timeout-seconds", "60")
            .run(MpiTestMain.class, scenario);
    long end = System.currentTimeMillis();
    assertFalse(run.timedOut(), run::describe);
    assertNotEquals(0, run.exitCode(), run::describe);
    long diedAt =
        Long.parseLong(
            run.result(1, "halting-at").orElseThrow(() -> new AssertionError(run.describe())));
    // mpirun notices the dead process itself, long before the ranks' own 60 s timeout.
    assertTrue(
        end - diedAt < 30_000,
        "job ended " + (end - diedAt) + " ms after rank 1 died\n" + run.describe());
    // Open MPI names a crashed process [[job,1],rank], one that exited early "process rank 1".
    assertTrue(
        Pattern.compile("\\[\\[\\d+,\\d+\\],1\\]|process rank 1 ")
            .matcher(run.launcherOutput())
            .find(),
        "mpirun's message does not name rank 1:\n" + run.describe());
    for (int r = 0; r < 4; r++) {
      assertTrue(run.results(r, "second-allreduce-returned").isEmpty(), run::describe);
    }
    System.out.printf(
        "rank 1 %s: job ended %d ms later (%d ms from launch)%n",
        scenario, end - diedAt, end - start);
  }

  @Test
  void aRankThatHangsIsCaughtByTheTimeoutAndTheJobAborted() {
    long start = System.currentTimeMillis();
    MpiRun run =
        MpiLauncher.ranks(4)
            .oversubscribe()
            .overTcpLoopback()
            .withSystemProperty("alexnet4j.distributed.timeout-seconds", "" + HANG_TIMEOUT_SECONDS)
            .withTimeout(Duration.ofMillis(HANG_TIMEOUT_SECONDS * 1000L + START_UP_SLACK_MS))
            .run(MpiTestMain.class, "hang");
    long end = System.currentTimeMillis();
    assertFalse(run.timedOut(), run::describe);
    assertEquals(MpiCollective.HANG_EXIT_CODE, run.exitCode(), run::describe);
    long hungAt =
        Long.parseLong(
            run.result(1, "hanging-since").orElseThrow(() -> new AssertionError(run.describe())));
    long afterHang = end - hungAt;
    assertTrue(
        afterHang >= HANG_TIMEOUT_SECONDS * 1000L
            && afterHang < HANG_TIMEOUT_SECONDS * 1000L + 20_000,
        "job ended "
            + afterHang
            + " ms after rank 1 hung, timeout "
            + HANG_TIMEOUT_SECONDS
            + " s\n"
            + run.describe());
    assertTrue(
        Pattern.compile(
                "rank [023] of 4: MPI_Allreduce of 16 floats did not finish within "
                    + HANG_TIMEOUT_SECONDS
                    + " s")
            .matcher(run.launcherOutput())
            .find(),
        "no watchdog message naming a rank and the operation:\n" + run.describe());
    // The job ended through MPI_Abort: the exit status asserted above is the abort code. Not
    // Open MPI's "MPI_ABORT was invoked" banner: under load its help system sometimes fails to
    // print it ("ORTE_ERROR_LOG: Data unpack had inadequate space"), which is not our failure.
    System.out.printf(
        "rank 1 hung: job ended %d ms later (%d ms from launch)%n", afterHang, end - start);
  }

  private static List<Integer> range(int n) {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }
}
