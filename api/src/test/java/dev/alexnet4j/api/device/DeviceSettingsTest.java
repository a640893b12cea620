package dev.alexnet4j.api.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.tensor.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSettingsTest {
  private static final List<Device> TWO = List.of(new Device("cpu", 0), new Device("cpu", 1));

  @Test
  void theDefaultIsTheFirstDevice() {
    DeviceSettings settings = DeviceSettings.from(ConfigFactory.load());
    assertEquals(List.of(new Device("cpu", 0)), settings.resolve(TWO));
  }

  @Test
  void aDeviceTheBackendLacksIsAnErrorNamingTheKeyAndListingTheDevices() {
    DeviceSettings settings =
        DeviceSettings.from(ConfigFactory.parseString("alexnet4j.devices = [0, 2]"));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> settings.resolve(TWO));
    assertEquals("alexnet4j.devices", e.path());
    assertTrue(e.getMessage().contains("device 2 does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("[cpu:0, cpu:1]"), e.getMessage());
  }

  /** A backend that opened only cuda:1 (one rank's GPU) still resolves [1] to it. */
  @Test
  void indicesAreDeviceNumbersNotPositions() {
    List<Device> onlyOne = List.of(new Device("cuda", 1));
    assertEquals(
        onlyOne,
        DeviceSettings.from(ConfigFactory.parseString("alexnet4j.devices = [1]")).resolve(onlyOne));
    List<Device> split = List.of(new Device("cuda", 2), new Device("cuda", 3));
    assertEquals(
        List.of(split.get(1), split.get(0)),
        DeviceSettings.from(ConfigFactory.parseString("alexnet4j.devices = [3, 2]"))
            .resolve(split));
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                DeviceSettings.from(ConfigFactory.parseString("alexnet4j.devices = [0]"))
                    .resolve(onlyOne));
    assertTrue(e.getMessage().contains("device 0 does not exist"), e.getMessage());
  }

  @Test
  void emptyNegativeAndRepeatedListsAreErrors() {
    for (String bad : List.of("[]", "[-1]", "[1, 1]", "zero")) {
      ConfigurationException e =
          assertThrows(
              ConfigurationException.class,
              () -> DeviceSettings.from(ConfigFactory.parseString("alexnet4j.devices = " + bad)));
      assertTrue(e.getMessage().startsWith("alexnet4j.devices"), e.getMessage());
    }
  }

  @Test
  void eachDeviceRunsOnOneThreadOfItsOwn() throws Exception {
    try (DeviceExecutor a = new DeviceExecutor(TWO.get(0));
        DeviceExecutor b = new DeviceExecutor(TWO.get(1))) {
      String a1 = a.submit(() -> Thread.currentThread().getName()).get();
      String a2 = a.submit(() -> Thread.currentThread().getName()).get();
      String b1 = b.submit(() -> Thread.currentThread().getName()).get();
      assertEquals(a1, a2);
      assertNotEquals(a1, b1);
      assertTrue(a1.contains("cpu:0"), a1);
    }
  }
}
