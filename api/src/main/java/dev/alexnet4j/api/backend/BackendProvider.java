package dev.alexnet4j.api.backend;

import com.google.inject.Module;

/**
 * A backend as {@link java.util.ServiceLoader} finds it: each backend module lists its provider in
 * {@code META-INF/services/dev.alexnet4j.api.backend.BackendProvider}.
 */
public interface BackendProvider {
  /** The value of {@code alexnet4j.backend} that selects it. */
  String name();

  /** Whether it can run here; must not throw, and must not leave native state behind. */
  Availability availability();

  /** The Guice module that binds {@link Backend}; it does no work in {@code configure()}. */
  Module module();
}
