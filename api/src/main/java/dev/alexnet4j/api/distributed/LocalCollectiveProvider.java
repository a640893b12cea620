package dev.alexnet4j.api.distributed;

import dev.alexnet4j.api.backend.Availability;

/** The provider of {@link LocalCollective}: always available, needs no launcher. */
public final class LocalCollectiveProvider implements CollectiveProvider {
  @Override
  public String name() {
    return LocalCollective.NAME;
  }

  @Override
  public Availability availability() {
    return Availability.yes();
  }

  @Override
  public Collective open() {
    return new LocalCollective();
  }
}
