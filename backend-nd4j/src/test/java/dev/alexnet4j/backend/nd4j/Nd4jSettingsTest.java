package dev.alexnet4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class Nd4jSettingsTest {

  private static Config parse(String hocon) {
    return ConfigFactory.parseString(hocon);
  }

  @Test
  void defaultsComeFromReferenceConf() {
    Nd4jSettings settings = Nd4jSettings.from(ConfigFactory.empty());
    assertEquals(new Nd4jSettings(1, 0, false), settings);
  }

  @Test
  void readsOverrides() {
    Nd4jSettings settings =
        Nd4jSettings.from(
            parse("alexnet4j.nd4j { virtual-devices = 2, threads = 4, share-cores = true }"));
    assertEquals(2, settings.virtualDevices());
    assertEquals(4, settings.threads());
    assertEquals(true, settings.shareCores());
  }

  @Test
  void rejectsZeroDevicesNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Nd4jSettings.from(parse("alexnet4j.nd4j.virtual-devices = 0")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.virtual-devices"), e.getMessage());
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
  }

  @Test
  void rejectsNegativeThreadsNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Nd4jSettings.from(parse("alexnet4j.nd4j.threads = -1")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.threads"), e.getMessage());
  }

  @Test
  void rejectsAWrongTypeNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Nd4jSettings.from(parse("alexnet4j.nd4j.threads = many")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.threads"), e.getMessage());
  }

  @Test
  void rejectsAnUnknownKeyListingTheKnownOnes() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Nd4jSettings.from(parse("alexnet4j.nd4j.virtual-device = 2")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.virtual-device"), e.getMessage());
    assertTrue(e.getMessage().contains("virtual-devices"), e.getMessage());
  }

  @Test
  void convolutionDefaultsToTheDocumentedPath() {
    assertEquals(
        Nd4jSettings.DEFAULT_CONVOLUTION, Nd4jSettings.from(ConfigFactory.empty()).convolution());
    assertEquals(Nd4jSettings.DEFAULT_CONVOLUTION, new Nd4jSettings(1, 0, false).convolution());
  }

  @Test
  void autoIsOneDnnOnHostMemoryAndLibnd4jElsewhere() {
    assertEquals(Nd4jConvolutionPath.AUTO, Nd4jSettings.DEFAULT_CONVOLUTION);
    assertEquals(Nd4jConvolutionPath.ONEDNN, Nd4jConvolutionPath.AUTO.resolve(true));
    assertEquals(Nd4jConvolutionPath.LIBND4J, Nd4jConvolutionPath.AUTO.resolve(false));
    // A path chosen by name is kept, even where it cannot run (the backend then says why).
    assertEquals(Nd4jConvolutionPath.ONEDNN, Nd4jConvolutionPath.ONEDNN.resolve(false));
    assertEquals(Nd4jConvolutionPath.LIBND4J, Nd4jConvolutionPath.LIBND4J.resolve(true));
  }

  @Test
  void readsEachConvolutionPath() {
    assertEquals(
        Nd4jConvolutionPath.AUTO,
        Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = auto")).convolution());
    assertEquals(
        Nd4jConvolutionPath.ONEDNN,
        Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = onednn")).convolution());
    assertEquals(
        Nd4jConvolutionPath.LIBND4J,
        Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = libnd4j")).convolution());
  }

  @Test
  void rejectsAnUnknownConvolutionPathNamingTheKeyAndTheAllowedValues() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = mkldnn")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.convolution"), e.getMessage());
    assertTrue(e.getMessage().contains("'mkldnn'"), e.getMessage());
    assertTrue(e.getMessage().contains("[auto, onednn, libnd4j]"), e.getMessage());
  }

  @Test
  void convolutionPathsAreCaseSensitive() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = OneDNN")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.convolution"), e.getMessage());
  }

  @Test
  void rejectsAConvolutionPathThatIsNotAString() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Nd4jSettings.from(parse("alexnet4j.nd4j.convolution = [onednn]")));
    assertTrue(e.getMessage().contains("alexnet4j.nd4j.convolution"), e.getMessage());
  }

  @Test
  void constructorValidatesToo() {
    assertThrows(ConfigException.class, () -> new Nd4jSettings(1, 0, true, null));
    assertThrows(ConfigException.class, () -> new Nd4jSettings(0, 0, true));
    assertThrows(ConfigException.class, () -> new Nd4jSettings(1, -2, true));
  }
}
