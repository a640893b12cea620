package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.BackendProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class Nd4jBackendProviderTest {

  @Test
  void isFoundByServiceLoaderAsNd4j() {
    BackendProvider found =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("nd4j"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no provider named nd4j on the class path"));
    assertInstanceOf(Nd4jBackendProvider.class, found);
  }

  @Test
  void isAvailableHereWithTheOneDnnBuild() {
    Availability availability = new Nd4jBackendProvider().availability();
    assertTrue(availability.available(), availability.reason());
    assertEquals("", availability.reason());
    assertEquals(
        Nd4jNativeLibrary.ONEDNN_EXTENSION,
        System.getProperty(Nd4jNativeLibrary.EXTENSION_PROPERTY));
    assertTrue(Nd4jNativeLibrary.load().contains("HAVE_ONEDNN"), Nd4jNativeLibrary.load());
  }

  @Test
  void moduleProvidesOneBackendFromConfig() {
    Config config =
        ConfigFactory.parseString("alexnet4j.nd4j.virtual-devices = 2")
            .withFallback(ConfigFactory.load());
    Injector injector =
        Guice.createInjector(
            binder -> binder.bind(Config.class).toInstance(config),
            new Nd4jBackendProvider().module());
    Backend backend = injector.getInstance(Backend.class);
    try {
      assertEquals("nd4j", backend.name());
      assertEquals(2, backend.devices().size());
      assertEquals("cpu:1", backend.devices().get(1).toString());
      assertSame(backend, injector.getInstance(Backend.class));
    } finally {
      backend.close();
    }
  }
}
