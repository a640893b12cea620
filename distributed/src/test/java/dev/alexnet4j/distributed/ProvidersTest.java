package dev.alexnet4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.distributed.CollectiveProvider;
import dev.alexnet4j.api.distributed.Collectives;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Availability says exactly what is missing, and asking never throws. */
class ProvidersTest {
  private static final Map<String, String> UNDER_MPIRUN =
      Map.of(MpiCollectiveProvider.WORLD_SIZE_VARIABLE, "2");

  @Test
  void theNcclHintNamesTheCudaRuntimeOfThePresetsOnTheClassPath() {
    assertEquals("libcudart.so.11.0", BytedecoNcclCalls.cudaRuntimeSoname("11.6-8.3-1.5.7"));
    assertEquals("libcudart.so.12", BytedecoNcclCalls.cudaRuntimeSoname("12.9-9.10-1.5.12"));
    assertEquals("libcudart.so.13", BytedecoNcclCalls.cudaRuntimeSoname("13.1-9.19-1.5.13"));
    assertTrue(
        BytedecoNcclCalls.cudaRuntimeSoname().startsWith("libcudart.so."),
        BytedecoNcclCalls.cudaRuntimeSoname());
  }

  @Test
  void bothAreFoundByServiceLoader() {
    assertEquals(
        List.of("local", "mpi", "nccl"), Collectives.discover(getClass().getClassLoader()).names());
  }

  @Test
  void mpiNamesAMissingLibraryAndAMissingLauncherTogether() {
    Availability a =
        new MpiCollectiveProvider(() -> Optional.of("libmpi.so.40 not found (x)"), Map.of())
            .availability();
    assertFalse(a.available());
    assertEquals(
        "libmpi.so.40 not found (x); not launched under mpirun: OMPI_COMM_WORLD_SIZE is not set"
            + " (start the job with mpirun -np N ...)",
        a.reason());
  }

  @Test
  void mpiIsAvailableWithTheLibraryUnderMpirun() {
    assertTrue(new MpiCollectiveProvider(Optional::empty, UNDER_MPIRUN).availability().available());
  }

  @Test
  void mpiOnThisMachineAnswersWithoutThrowing() {
    // Surefire does not run under mpirun, so it is unavailable here whatever is installed.
    Availability a = new MpiCollectiveProvider().availability();
    assertFalse(a.available());
    assertTrue(a.reason().contains("OMPI_COMM_WORLD_SIZE"), a.reason());
    if (MpiLauncher.whyUnavailable().isEmpty()) {
      assertFalse(a.reason().contains("libmpi.so.40 not found"), a.reason());
    }
  }

  @Test
  void openingAnUnavailableMpiNamesWhy() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new MpiCollectiveProvider(Optional::empty, Map.of()).open(ConfigFactory.load()));
    assertTrue(e.getMessage().contains("not launched under mpirun"), e.getMessage());
  }

  @Test
  void aBadTimeoutFailsBeforeAnythingIsLoaded() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                new MpiCollectiveProvider(Optional::empty, UNDER_MPIRUN)
                    .open(
                        ConfigFactory.parseString("alexnet4j.distributed.timeout-seconds = 0")
                            .withFallback(ConfigFactory.load())));
    assertEquals("alexnet4j.distributed.timeout-seconds", e.path());
  }

  private static CollectiveProvider mpi(Availability a) {
    CollectiveProvider mpi = mock(CollectiveProvider.class);
    when(mpi.availability()).thenReturn(a);
    return mpi;
  }

  @Test
  void ncclWithoutADriverSaysSoAndDoesNotTryNccl() {
    Availability a =
        new NcclCollectiveProvider(
                mpi(Availability.yes()),
                () -> Optional.of("libcuda.so.1: cannot open shared object file"),
                () -> {
                  throw new AssertionError("NCCL must not be probed without a driver");
                })
            .availability();
    assertFalse(a.available());
    assertTrue(a.reason().startsWith("no CUDA driver: libcuda.so.1 not found"), a.reason());
  }

  @Test
  void ncclWithADriverButNoNcclNamesLibnccl() {
    Availability a =
        new NcclCollectiveProvider(
                mpi(Availability.yes()), Optional::empty, () -> Optional.of("no jninccl"))
            .availability();
    assertFalse(a.available());
    assertTrue(a.reason().startsWith("no jninccl; NCCL needs libnccl.so.2"), a.reason());
  }

  @Test
  void ncclNamesAMissingMpiBootstrapToo() {
    Availability a =
        new NcclCollectiveProvider(
                mpi(Availability.no("libmpi.so.40 not found")), Optional::empty, Optional::empty)
            .availability();
    assertEquals("its MPI bootstrap cannot run: libmpi.so.40 not found", a.reason());
  }

  @Test
  void ncclIsAvailableWhenEverythingIs() {
    assertTrue(
        new NcclCollectiveProvider(mpi(Availability.yes()), Optional::empty, Optional::empty)
            .availability()
            .available());
  }

  @Test
  void ncclOnThisMachineAnswersWithoutThrowing() {
    Availability a = new NcclCollectiveProvider().availability();
    if (!a.available()) {
      assertFalse(a.reason().isBlank());
    }
    System.out.println("nccl here: " + (a.available() ? "available" : a.reason()));
  }

  @Test
  void theJavacppProbeAnswersWithoutThrowing() {
    Optional<String> why = BytedecoNcclCalls.whyNotLoadable();
    System.out.println("cuda runtime and nccl here: " + why.orElse("loadable"));
    why.ifPresent(reason -> assertFalse(reason.isBlank()));
  }

  @Test
  void aConfigWithoutTheReferenceIsNamed() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class, () -> DistributedSettings.from(ConfigFactory.empty()));
    assertEquals("alexnet4j.distributed", e.path());
  }

  @Test
  void theReferenceTimeoutIsFiveMinutes() {
    assertEquals(
        java.time.Duration.ofSeconds(300),
        DistributedSettings.from(ConfigFactory.load()).timeout());
  }
}
