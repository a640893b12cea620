package dev.alexnet4j.backend.cudnn;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.typesafe.config.Config;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.device.DeviceSettings;

/**
 * Binds {@link Backend} to the cuDNN backend, configured from {@code alexnet4j.cudnn} of the {@link
 * Config} the core module binds. Creates nothing until the backend is first asked for.
 */
public final class CudnnBackendModule extends AbstractModule {

  @Provides
  @Singleton
  CudnnSettings settings(Config config) {
    return CudnnSettings.from(config);
  }

  /** Opens only the GPUs the run computes on ({@code alexnet4j.devices}), not every visible one. */
  @Provides
  @Singleton
  Backend backend(CudnnSettings settings, Config config) {
    return new CudnnBackend(settings, DeviceSettings.from(config).indices());
  }
}
