package dev.alexnet4j.api.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectivesTest {
  private static CollectiveProvider provider(String name, Availability availability) {
    CollectiveProvider p = mock(CollectiveProvider.class);
    when(p.name()).thenReturn(name);
    when(p.availability()).thenReturn(availability);
    return p;
  }

  @Test
  void localIsAlwaysThereAndOpensAWorldOfOne() {
    Collectives collectives = new Collectives(List.of());
    assertEquals(List.of("local"), collectives.names());
    Collective local = collectives.open("local", ConfigFactory.empty());
    assertInstanceOf(LocalCollective.class, local);
    assertEquals(1, local.size());
  }

  @Test
  void unknownNameListsTheKnownOnesAndTheSelector() {
    Collectives collectives =
        new Collectives(
            List.of(provider("mpi", Availability.yes()), provider("nccl", Availability.yes())));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> collectives.select("gloo"));
    assertEquals("--dist", e.path());
    assertTrue(e.getMessage().contains("unknown collective 'gloo'"), e.getMessage());
    assertTrue(e.getMessage().contains("known: local, mpi, nccl"), e.getMessage());
  }

  @Test
  void withOnlyLocalTheErrorSaysWhichModuleBringsTheOthers() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> new Collectives(List.of()).select("mpi"));
    assertTrue(e.getMessage().contains("alexnet4j-distributed"), e.getMessage());
  }

  @Test
  void unavailableProviderGivesItsReasonAndIsNotOpened() {
    CollectiveProvider mpi = provider("mpi", Availability.no("libmpi.so.40 not found"));
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> new Collectives(List.of(mpi)).open("mpi", ConfigFactory.empty()));
    assertEquals(
        "--dist: collective 'mpi' cannot run here: libmpi.so.40 not found", e.getMessage());
  }

  @Test
  void openPassesTheConfigToTheProvider() {
    CollectiveProvider mpi = provider("mpi", Availability.yes());
    Collective opened = mock(Collective.class);
    Config config = ConfigFactory.parseString("alexnet4j.distributed.timeout-seconds = 7");
    when(mpi.open(config)).thenReturn(opened);
    assertSame(opened, new Collectives(List.of(mpi)).open("mpi", config));
    verify(mpi).open(config);
  }

  @Test
  void twoProvidersOfOneNameAreAnError() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new Collectives(
                    List.of(
                        provider("mpi", Availability.yes()), provider("mpi", Availability.yes()))));
    assertTrue(e.getMessage().contains("two collectives are named 'mpi'"), e.getMessage());
  }

  @Test
  void discoverFindsLocalWithoutAServicesFile() {
    assertTrue(Collectives.discover(getClass().getClassLoader()).names().contains("local"));
  }
}
