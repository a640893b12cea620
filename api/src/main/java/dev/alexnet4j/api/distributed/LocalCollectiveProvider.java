package dev.alexnet4j.api.distributed;

import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Availability;

/**
 * The provider of {@link LocalCollective}: always available, needs no launcher. Listed in the api's
 * own {@code META-INF/services}, so that the default collective is found like any other.
 */
public final class LocalCollectiveProvider implements CollectiveProvider {
  @Override
  public String name() {
    return LocalCollective.NAME;
  }

  @Override
  public Availability availability() {
    return Availability.yes();
  }

  /** One process alone has no settings to read. */
  @Override
  public Collective open(Config config) {
    return new LocalCollective();
  }
}
