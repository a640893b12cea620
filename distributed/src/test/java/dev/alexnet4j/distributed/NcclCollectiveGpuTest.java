package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NCCL collective for real: {@code mpirun} starts one rank per GPU (up to 4) running the same
 * scenario as the MPI test, with {@code --dist nccl}. Skipped by a real check (CUDA runtime, NCCL
 * and a device loadable) where there is no GPU.
 */
@Tag("gpu")
class NcclCollectiveGpuTest {
  private static final int COUNT = 1_000_003;

  @BeforeEach
  void requireGpuAndMpi() {
    Optional<String> mpi = MpiLauncher.whyUnavailable();
    assumeTrue(mpi.isEmpty(), () -> "skipped, Open MPI is missing: " + mpi.orElse(""));
    Optional<String> gpu = BytedecoNcclCalls.whyNotLoadable();
    assumeTrue(gpu.isEmpty(), () -> "skipped, no GPU with NCCL: " + gpu.orElse(""));
  }

  @Test
  void oneRankPerGpu() {
    int ranks = Math.min(4, BytedecoNcclCalls.deviceCount());
    MpiRun run =
        MpiLauncher.ranks(ranks)
            .withSystemProperty(MpiTestMain.COLLECTIVE_PROPERTY, NcclCollective.NAME)
            .withJvmOptions("-Xmx2g")
            .run(MpiTestMain.class, "collectives", "" + COUNT);
    assertEquals(0, run.exitCode(), run::describe);
    String expectedFloats =
        MpiTestMain.crcOfFloats(MpiTestMain.seededFloats(COUNT, MpiTestMain.BROADCAST_SEED), COUNT);
    float lastSum = ranks * (ranks + 1) / 2f * ((COUNT - 1) % MpiTestMain.PERIOD);
    for (int r = 0; r < ranks; r++) {
      String where = "rank " + r + "\n" + run.describe();
      assertEquals(Optional.of("0"), run.result(r, "allreduce-mismatches"), where);
      assertEquals(Optional.of("" + lastSum), run.result(r, "allreduce-last"), where);
      assertEquals(Optional.of(expectedFloats), run.result(r, "broadcast-floats-crc"), where);
      assertEquals(Optional.of("true"), run.result(r, "done"), where);
    }
  }
}
