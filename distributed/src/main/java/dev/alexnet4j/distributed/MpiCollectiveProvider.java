package dev.alexnet4j.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code --dist mpi}: {@link MpiCollective}, available in a process started by Open MPI's mpirun.
 */
public final class MpiCollectiveProvider implements CollectiveProvider {
  /** Set by Open MPI's launcher in every rank it starts. */
  static final String WORLD_SIZE_VARIABLE = "OMPI_COMM_WORLD_SIZE";

  private final Supplier<Optional<String>> libraryProblem;
  private final Map<String, String> env;

  public MpiCollectiveProvider() {
    this(OpenMpi::whyNotLoadable, System.getenv());
  }

  MpiCollectiveProvider(Supplier<Optional<String>> libraryProblem, Map<String, String> env) {
    this.libraryProblem = libraryProblem;
    this.env = env;
  }

  @Override
  public String name() {
    return MpiCollective.NAME;
  }

  /** Lists everything that is missing, not only the first thing. Never throws. */
  @Override
  public Availability availability() {
    List<String> missing = new ArrayList<>();
    libraryProblem.get().ifPresent(missing::add);
    if (env.get(WORLD_SIZE_VARIABLE) == null) {
      missing.add(
          "not launched under mpirun: "
              + WORLD_SIZE_VARIABLE
              + " is not set (start the job with mpirun -np N ...)");
    }
    return missing.isEmpty() ? Availability.yes() : Availability.no(String.join("; ", missing));
  }

  @Override
  public Collective open(Config config) {
    DistributedSettings settings = DistributedSettings.from(config);
    Availability availability = availability();
    if (!availability.available()) {
      throw new IllegalStateException("mpi collective cannot run here: " + availability.reason());
    }
    return MpiCollective.open(settings);
  }
}
