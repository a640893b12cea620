package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NCCL collective on the emulated CUDA stack (module cuda-emulator): {@code mpirun} starts 2 or
 * 4 JVMs whose org.bytedeco JNI bridges load the emulated {@code libcudart.so.11.0}, {@code
 * libcuda.so.1} and {@code libnccl.so.2} through {@code LD_LIBRARY_PATH}, which the ranks inherit.
 * Runs only in the emulated GPU execution ({@code alexnet4j-test.cuda-emulated=true}); it proves
 * our bootstrap, staging, JNI marshalling and the watchdog's abort, nothing about a GPU's numerics
 * or NCCL's speed. Each rank exits non-zero when the emulator reports a leak at exit
 * (ALEXNET4J_CUDA_EMU_LEAKS=fail, inherited too).
 */
@Tag("gpu")
class NcclCollectiveEmulatedTest {
  private static final int COUNT = 1_000_003;
  private static final int HANG_TIMEOUT_SECONDS = 5;
  private static final long START_UP_SLACK_MS = 60_000;

  /** What the emulator's ncclGetUniqueId writes first: proof that it, not a real NCCL, answers. */
  private static final String EMULATOR_ID_MAGIC = "a4jnccl1";

  @BeforeEach
  void requireEmulatorAndMpi() {
    assumeTrue(
        Boolean.getBoolean("alexnet4j-test.cuda-emulated"),
        "skipped: runs only on the emulated CUDA stack (alexnet4j-test.cuda-emulated=true)");
    Optional<String> mpi = MpiLauncher.whyUnavailable();
    assumeTrue(mpi.isEmpty(), () -> "skipped, Open MPI is missing: " + mpi.orElse(""));
    Optional<String> nccl = BytedecoNcclCalls.whyNotLoadable();
    // The emulator is on LD_LIBRARY_PATH here: not loading it is a fault of the set-up, not a skip.
    assertEquals(Optional.empty(), nccl, "the emulated CUDA runtime or NCCL does not load");
  }

  @Test
  void theEmulatedNcclIsTheOneLoaded() {
    byte[] id = new byte[NcclCalls.UNIQUE_ID_BYTES];
    assertEquals(0, new BytedecoNcclCalls().ncclGetUniqueId(id));
    assertEquals(
        EMULATOR_ID_MAGIC,
        new String(Arrays.copyOf(id, EMULATOR_ID_MAGIC.length()), StandardCharsets.US_ASCII),
        "libnccl.so.2 on the library path is not the emulator's");
  }

  @Test
  void twoRanks() {
    assertCollectivesCorrect(MpiLauncher.ranks(2).oversubscribe(), 2);
  }

  /** Four ranks need four emulated devices (one per local rank); mpirun's -x sets them. */
  @Test
  void fourRanks() {
    assertCollectivesCorrect(
        MpiLauncher.ranks(4)
            .oversubscribe()
            .withMpiOptions("-x", "ALEXNET4J_CUDA_EMU_DEVICES=4")
            .withJvmOptions("-Xmx1g"),
        4);
  }

  /**
   * Rank 1 stops taking part while rank 0 waits inside ncclAllReduce: the watchdog aborts the
   * communicator from its own thread and then the MPI job, with timeout(1)'s exit code.
   */
  @Test
  void aRankThatHangsIsCaughtByTheWatchdog() {
    long start = System.currentTimeMillis();
    MpiRun run =
        MpiLauncher.ranks(2)
            .oversubscribe()
            .withSystemProperty(MpiTestMain.COLLECTIVE_PROPERTY, NcclCollective.NAME)
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
        "job ended " + afterHang + " ms after rank 1 hung\n" + run.describe());
    assertTrue(
        Pattern.compile(
                "rank 0 of 2 \\(nccl\\): ncclAllReduce of 16 floats did not finish within "
                    + HANG_TIMEOUT_SECONDS
                    + " s")
            .matcher(run.launcherOutput())
            .find(),
        "no watchdog message naming rank 0 and the operation:\n" + run.describe());
    // The job ended through MPI_Abort: the exit status asserted above is the abort code. Not
    // Open MPI's "MPI_ABORT was invoked" banner: under load its help system sometimes fails to
    // print it ("ORTE_ERROR_LOG: Data unpack had inadequate space"), which is not our failure.
    System.out.printf(
        "emulated nccl, rank 1 hung: job ended %d ms later (%d ms from launch)%n",
        afterHang, end - start);
  }

  private static void assertCollectivesCorrect(MpiLauncher launcher, int ranks) {
    MpiRun run =
        launcher
            .withSystemProperty(MpiTestMain.COLLECTIVE_PROPERTY, NcclCollective.NAME)
            .run(MpiTestMain.class, "collectives", "" + COUNT);
    assertEquals(0, run.exitCode(), run::describe);
    String expectedFloats =
        MpiTestMain.crcOfFloats(MpiTestMain.seededFloats(COUNT, MpiTestMain.BROADCAST_SEED), COUNT);
    byte[] expectedBytes = new byte[1000];
    new Random(MpiTestMain.BROADCAST_SEED).nextBytes(expectedBytes);
    float lastSum = ranks * (ranks + 1) / 2f * ((COUNT - 1) % MpiTestMain.PERIOD);
    for (int r = 0; r < ranks; r++) {
      String where = "rank " + r + "\n" + run.describe();
      assertEquals(Optional.of("" + ranks), run.result(r, "size"), where);
      assertEquals(Optional.of("" + r), run.result(r, "local-rank"), where);
      assertEquals(Optional.of("0"), run.result(r, "allreduce-mismatches"), where);
      assertEquals(Optional.of("" + lastSum), run.result(r, "allreduce-last"), where);
      assertEquals(Optional.of(expectedFloats), run.result(r, "broadcast-floats-crc"), where);
      assertEquals(
          Optional.of(MpiTestMain.crc(expectedBytes)), run.result(r, "broadcast-bytes-crc"), where);
      assertEquals(Optional.of("true"), run.result(r, "done"), where);
    }
  }
}
