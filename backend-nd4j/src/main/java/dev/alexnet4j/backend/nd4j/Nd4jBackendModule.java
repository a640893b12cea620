package dev.alexnet4j.backend.nd4j;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Backend;

/**
 * Binds {@link Backend} to the ND4J backend, configured from {@code alexnet4j.nd4j} of the {@link
 * Config} the core module binds. Creates nothing until the backend is first asked for.
 */
public final class Nd4jBackendModule extends AbstractModule {

  @Provides
  @Singleton
  Nd4jSettings settings(Config config) {
    return Nd4jSettings.from(config);
  }

  @Provides
  @Singleton
  Backend backend(Nd4jSettings settings) {
    return new Nd4jBackend(settings);
  }
}
