package dev.alexnet4j.api.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.config.PluginRegistry;
import dev.alexnet4j.api.testing.PluginJar;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collectives are found and chosen as backends are: by alexnet4j.distributed.collective. */
class CollectivesTest {
  private static CollectiveProvider provider(String name, Availability availability) {
    CollectiveProvider p = mock(CollectiveProvider.class);
    when(p.name()).thenReturn(name);
    when(p.availability()).thenReturn(availability);
    return p;
  }

  private static PluginRegistry<CollectiveProvider> registry(CollectiveProvider... found) {
    return new PluginRegistry<>(Collectives.TYPE, List.of(found));
  }

  @Test
  void theReferenceChoosesLocalWhichTheApiListsAndWhichOpensAWorldOfOne() {
    Config reference = ConfigFactory.defaultReference();
    assertEquals("local", reference.getString(Collectives.KEY));
    Collective local = Collectives.open(reference, getClass().getClassLoader());
    assertInstanceOf(LocalCollective.class, local);
    assertEquals(1, local.size());
  }

  /** The test's own collective, found through a plug-in jar as a user's would be. */
  public static final class LoopbackProvider implements CollectiveProvider {
    @Override
    public String name() {
      return "loopback";
    }

    @Override
    public Availability availability() {
      return Availability.yes();
    }

    @Override
    public Collective open(Config config) {
      return new LocalCollective();
    }
  }

  @Test
  void aCollectiveFromAJarOfItsOwnIsChosenByTheKey(@TempDir Path dir) throws IOException {
    Path jar =
        PluginJar.write(
            dir.resolve("loopback.jar"), Map.of(CollectiveProvider.class, LoopbackProvider.class));
    try (URLClassLoader loader = PluginJar.loader(jar)) {
      assertEquals(List.of("local", "loopback"), Collectives.discover(loader).names());
      Config config =
          ConfigFactory.parseString(Collectives.KEY + " = loopback")
              .withFallback(ConfigFactory.defaultReference());
      assertInstanceOf(LoopbackProvider.class, Collectives.discover(loader).select(config));
      assertEquals(1, Collectives.open(config, loader).size());
    }
  }

  @Test
  void unknownNameNamesTheKeyTheValueAndTheKnownOnes() {
    PluginRegistry<CollectiveProvider> collectives =
        registry(
            new LocalCollectiveProvider(),
            provider("mpi", Availability.yes()),
            provider("nccl", Availability.yes()));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> collectives.select("gloo"));
    assertEquals(Collectives.KEY, e.path());
    assertEquals(
        "alexnet4j.distributed.collective: unknown collective 'gloo' (known: local, mpi, nccl)",
        e.getMessage());
  }

  @Test
  void withOnlyLocalTheErrorSaysWhichModuleBringsTheOthers() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> registry(new LocalCollectiveProvider()).select("mpi"));
    assertEquals(
        "alexnet4j.distributed.collective: unknown collective 'mpi' (known: local); 'mpi' comes"
            + " with alexnet4j-distributed: add it to the class path",
        e.getMessage());
  }

  @Test
  void unavailableProviderGivesItsReasonAndIsNotOpened() {
    CollectiveProvider mpi = provider("mpi", Availability.no("libmpi.so.40 not found"));
    Config config = ConfigFactory.parseString(Collectives.KEY + " = mpi");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry(mpi).select(config));
    assertEquals(
        "alexnet4j.distributed.collective: collective 'mpi' cannot run here: libmpi.so.40 not"
            + " found",
        e.getMessage());
    verify(mpi, never()).open(any());
  }

  @Test
  void theChosenProviderOpensWithTheConfig() {
    CollectiveProvider mpi = provider("mpi", Availability.yes());
    Collective opened = mock(Collective.class);
    Config config =
        ConfigFactory.parseString(
            Collectives.KEY + " = mpi\nalexnet4j.distributed.timeout-seconds = 7");
    when(mpi.open(config)).thenReturn(opened);
    assertSame(opened, registry(mpi).select(config).open(config));
    verify(mpi).open(config);
  }

  @Test
  void twoProvidersOfOneNameAreAnError() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                registry(provider("mpi", Availability.yes()), provider("mpi", Availability.yes())));
    assertTrue(e.getMessage().contains("two collectives are named 'mpi'"), e.getMessage());
  }
}
