package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.device.DeviceSettings;
import org.junit.jupiter.api.Test;

/** A network or device list the split cannot take is an error naming the layer or the key. */
class SplitErrorsTest {
  @Test
  void filtersThatDoNotDivideOverTheDevicesNameTheLayer() {
    Injector injector =
        SplitFixture.injector(
            SplitFixture.config("alexnet-small", "alexnet4j.nd4j.virtual-devices = 3"));
    try (Backend backend = SplitFixture.backend(injector)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ModelParallelNetwork.build(
                      SplitFixture.spec(injector),
                      backend,
                      backend.devices(),
                      1,
                      1,
                      StageObserver.NONE));
      assertEquals(
          "layer 'conv1' (type conv): cannot split over devices [cpu:0, cpu:1, cpu:2]: filters"
              + " (32) must divide evenly over 3 devices",
          e.getMessage());
    }
  }

  @Test
  void aLayerBeforeTheFirstConvOrDenseIsRejected() {
    Injector injector =
        SplitFixture.injector(
            SplitFixture.config(
                "t",
                "alexnet4j.models.t { input = [2, 4, 4], layers = [{ name = r, type = relu },"
                    + " { name = f, type = flatten }, { name = fc, type = dense, units = 2 }] }"));
    try (Backend backend = SplitFixture.backend(injector)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ModelParallelNetwork.build(
                      SplitFixture.spec(injector),
                      backend,
                      backend.devices(),
                      1,
                      1,
                      StageObserver.NONE));
      assertTrue(e.getMessage().startsWith("layer 'r' (type relu)"), e.getMessage());
      assertTrue(e.getMessage().contains("before the first conv or dense"), e.getMessage());
    }
  }

  @Test
  void aDeviceTheBackendLacksListsTheDevicesFound() {
    Injector injector =
        SplitFixture.injector(SplitFixture.config("alexnet-small", "alexnet4j.devices = [0, 2]"));
    try (Backend backend = SplitFixture.backend(injector)) {
      ConfigurationException e =
          assertThrows(
              ConfigurationException.class,
              () ->
                  DeviceSettings.from(
                          SplitFixture.config("alexnet-small", "alexnet4j.devices = [0, 2]"))
                      .resolve(backend.devices()));
      assertTrue(e.getMessage().contains("[cpu:0, cpu:1]"), e.getMessage());
    }
  }
}
