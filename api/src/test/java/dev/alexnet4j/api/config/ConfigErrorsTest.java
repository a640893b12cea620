package dev.alexnet4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.BackendProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad config fails at start-up with one line that names the key and what is allowed. */
class ConfigErrorsTest {
  private static final Config REFERENCE = ConfigFactory.defaultReference();

  private static ConfigurationException validate(String hocon) {
    Config config = ConfigFactory.parseString(hocon).withFallback(REFERENCE).resolve();
    return assertThrows(
        ConfigurationException.class, () -> ConfigValidator.validate(config, REFERENCE));
  }

  private static void assertOneLine(ConfigurationException e) {
    assertFalse(e.getMessage().contains("\n"), "message must be one line: " + e.getMessage());
  }

  @Test
  void misspelledKeyIsNamedWithASuggestion() {
    ConfigurationException e = validate("alexnet4j.bakend = nd4j");
    assertEquals("alexnet4j.bakend", e.path());
    assertTrue(e.getMessage().contains("did you mean 'backend'"), e.getMessage());
    assertOneLine(e);
  }

  @Test
  void misspelledNestedKeyIsNamed() {
    ConfigurationException e = validate("alexnet4j.layer-defaults.conv.kernal = 3");
    assertEquals("alexnet4j.layer-defaults.conv.kernal", e.path());
    assertTrue(e.getMessage().contains("'kernel'"), e.getMessage());
  }

  @Test
  void wrongTypeIsNamed() {
    ConfigurationException e = validate("alexnet4j.seed = forty-two");
    assertEquals("alexnet4j.seed", e.path());
    assertTrue(e.getMessage().toLowerCase().contains("number"), e.getMessage());
    assertOneLine(e);
  }

  @Test
  void wrongTypeOfAListIsNamed() {
    ConfigurationException e = validate("alexnet4j.modules = 3");
    assertEquals("alexnet4j.modules", e.path());
  }

  @Test
  void missingCoreKeyIsNamed() {
    Config config = ConfigFactory.parseString("alexnet4j { modules = [], seed = 1 }");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> CoreSettings.from(config));
    assertEquals("alexnet4j.backend", e.path());
    assertTrue(e.getMessage().contains("required"), e.getMessage());
  }

  @Test
  void newLayerTypesMayAddTheirDefaults() {
    Config config =
        ConfigFactory.parseString("alexnet4j.layer-defaults.swish.beta = 1.0")
            .withFallback(REFERENCE)
            .resolve();
    ConfigValidator.validate(config, REFERENCE);
    assertEquals(1.0, config.getDouble("alexnet4j.layer-defaults.swish.beta"));
  }

  @Test
  void unknownBackendListsTheKnownOnes() {
    BackendProvider nd4j = provider("nd4j", Availability.yes());
    BackendProvider cudnn = provider("cudnn", Availability.no("no GPU"));
    PluginRegistry<BackendProvider> registry =
        new PluginRegistry<>(Backends.TYPE, List.of(nd4j, cudnn));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry.select("nd5j"));
    assertEquals("alexnet4j.backend", e.path());
    assertTrue(e.getMessage().contains("unknown backend 'nd5j'"), e.getMessage());
    assertTrue(e.getMessage().contains("cudnn, nd4j"), e.getMessage());
    assertOneLine(e);
  }

  @Test
  void unavailableBackendSaysWhy() {
    BackendProvider cudnn =
        provider("cudnn", Availability.no("libcudnn.so.8 not found on LD_LIBRARY_PATH"));
    PluginRegistry<BackendProvider> registry = new PluginRegistry<>(Backends.TYPE, List.of(cudnn));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> registry.select("cudnn"));
    assertTrue(e.getMessage().contains("cannot run here: libcudnn.so.8"), e.getMessage());
  }

  @Test
  void availableBackendIsSelected() {
    BackendProvider nd4j = provider("nd4j", Availability.yes());
    assertEquals(nd4j, new PluginRegistry<>(Backends.TYPE, List.of(nd4j)).select("nd4j"));
  }

  @Test
  void duplicateBackendNamesAreRejected() {
    BackendProvider a = provider("nd4j", Availability.yes());
    BackendProvider b = provider("nd4j", Availability.yes());
    assertThrows(
        IllegalStateException.class, () -> new PluginRegistry<>(Backends.TYPE, List.of(a, b)));
  }

  @Test
  void injectorWithoutAnyBackendOnTheClassPathSaysHowToAddOne() {
    // The api module's own test class path holds no backend module.
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> Alexnet4j.createInjector(Alexnet4j.loadConfig("alexnet4j.backend = nd4j")));
    assertEquals("alexnet4j.backend", e.path());
    assertTrue(e.getMessage().contains("alexnet4j-backend-nd4j"), e.getMessage());
  }

  @Test
  void unparsableConfigTextIsAConfigurationError() {
    assertThrows(ConfigurationException.class, () -> Alexnet4j.loadConfig("alexnet4j { seed = "));
  }

  @Test
  void editDistanceCountsEdits() {
    assertEquals(0, ConfigValidator.editDistance("seed", "seed"));
    assertEquals(1, ConfigValidator.editDistance("bakend", "backend"));
    assertEquals(3, ConfigValidator.editDistance("", "abc"));
  }

  private static BackendProvider provider(String name, Availability availability) {
    BackendProvider p = mock(BackendProvider.class);
    when(p.name()).thenReturn(name);
    when(p.availability()).thenReturn(availability);
    return p;
  }
}
