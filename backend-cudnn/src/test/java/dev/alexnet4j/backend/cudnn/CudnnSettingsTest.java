package dev.alexnet4j.backend.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class CudnnSettingsTest {
  @Test
  void defaultsComeFromReferenceConf() {
    CudnnSettings s = CudnnSettings.defaults();
    assertEquals(CudnnSettings.AlgorithmSearch.HEURISTIC, s.algorithm());
    assertEquals(false, s.deterministic());
    assertEquals(512L << 20, s.workspaceLimitBytes());
  }

  @Test
  void readsEveryKey() {
    CudnnSettings s =
        CudnnSettings.from(
            ConfigFactory.parseString(
                "alexnet4j.cudnn { algorithm = find, deterministic = true, workspace-limit = 64 MiB }"));
    assertEquals(CudnnSettings.AlgorithmSearch.FIND, s.algorithm());
    assertEquals(true, s.deterministic());
    assertEquals(64L << 20, s.workspaceLimitBytes());
  }

  @Test
  void badValuesAndUnknownKeysNameTheKeyAndTheChoices() {
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () ->
                CudnnSettings.from(
                    ConfigFactory.parseString("alexnet4j.cudnn.algorithm = fastest")));
    assertTrue(bad.getMessage().contains("alexnet4j.cudnn.algorithm"), bad.getMessage());
    assertTrue(bad.getMessage().contains("heuristic, find"), bad.getMessage());
    ConfigException unknown =
        assertThrows(
            ConfigException.class,
            () -> CudnnSettings.from(ConfigFactory.parseString("alexnet4j.cudnn.workspace = 1")));
    assertTrue(unknown.getMessage().contains("alexnet4j.cudnn.workspace"), unknown.getMessage());
    ConfigException typed =
        assertThrows(
            ConfigException.class,
            () ->
                CudnnSettings.from(
                    ConfigFactory.parseString("alexnet4j.cudnn.deterministic = maybe")));
    assertTrue(typed.getMessage().contains("deterministic"), typed.getMessage());
  }
}
