package dev.alexnet4j.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code --dist nccl}: {@link NcclCollective}, which needs everything {@code mpi} needs (its
 * bootstrap) plus the CUDA driver, NCCL and a GPU.
 */
public final class NcclCollectiveProvider implements CollectiveProvider {
  static final String DRIVER = "libcuda.so.1";
  static final String NCCL = "libnccl.so.2";

  private final CollectiveProvider mpi;
  private final Supplier<Optional<String>> driverProblem;
  private final Supplier<Optional<String>> ncclProblem;
  private final String cudaRuntime;

  public NcclCollectiveProvider() {
    this(
        new MpiCollectiveProvider(),
        () -> NativeLibraryProbe.whyNotLoadable(DRIVER),
        BytedecoNcclCalls::whyNotLoadable,
        BytedecoNcclCalls.cudaRuntimeSoname());
  }

  NcclCollectiveProvider(
      CollectiveProvider mpi,
      Supplier<Optional<String>> driverProblem,
      Supplier<Optional<String>> ncclProblem) {
    this(mpi, driverProblem, ncclProblem, "libcudart.so.11.0");
  }

  NcclCollectiveProvider(
      CollectiveProvider mpi,
      Supplier<Optional<String>> driverProblem,
      Supplier<Optional<String>> ncclProblem,
      String cudaRuntime) {
    this.mpi = mpi;
    this.driverProblem = driverProblem;
    this.ncclProblem = ncclProblem;
    this.cudaRuntime = cudaRuntime;
  }

  @Override
  public String name() {
    return NcclCollective.NAME;
  }

  /**
   * Lists everything missing. The driver is probed first and on its own: without it, loading the
   * CUDA runtime fails with a message about the runtime that hides the real cause. Never throws.
   */
  @Override
  public Availability availability() {
    List<String> missing = new ArrayList<>();
    Availability bootstrap = mpi.availability();
    if (!bootstrap.available()) {
      missing.add("its MPI bootstrap cannot run: " + bootstrap.reason());
    }
    Optional<String> driver = driverProblem.get();
    if (driver.isPresent()) {
      missing.add(
          "no CUDA driver: "
              + DRIVER
              + " not found ("
              + driver.get()
              + "); NCCL needs an NVIDIA GPU and its driver");
    } else {
      ncclProblem
          .get()
          .ifPresent(
              problem ->
                  missing.add(
                      problem
                          + "; NCCL needs "
                          + NCCL
                          + " and "
                          + cudaRuntime
                          + " on the library path (see docs/DISTRIBUTED-NCCL.md) and the"
                          + " JavaCPP natives org.bytedeco:cuda:linux-x86_64"));
    }
    return missing.isEmpty() ? Availability.yes() : Availability.no(String.join("; ", missing));
  }

  @Override
  public Collective open(Config config) {
    DistributedSettings settings = DistributedSettings.from(config);
    Availability availability = availability();
    if (!availability.available()) {
      throw new IllegalStateException("nccl collective cannot run here: " + availability.reason());
    }
    return NcclCollective.open(settings);
  }
}
