package dev.alexnet4j.api.config;

import dev.alexnet4j.api.backend.BackendProvider;

/**
 * The compute backends: {@link BackendProvider}s listed in {@code META-INF/services}, chosen by
 * {@code alexnet4j.backend}. The backend modules list {@code nd4j} and {@code cudnn}; a jar of
 * yours adds one the same way.
 */
public final class Backends {
  public static final String KEY = "alexnet4j.backend";

  public static final PluginType<BackendProvider> TYPE =
      PluginType.of(BackendProvider.class, KEY, "backend", BackendProvider::name)
          .withAvailability(BackendProvider::availability)
          .withModule("alexnet4j-backend-nd4j", "nd4j")
          .withModule("alexnet4j-backend-cudnn", "cudnn");

  private Backends() {}

  /** Every backend listed in a {@code META-INF/services} file visible to {@code loader}. */
  public static PluginRegistry<BackendProvider> discover(ClassLoader loader) {
    return TYPE.discover(loader);
  }
}
