package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.testing.PluginJar;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.TrainableNetwork;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel modes are found and chosen as backends are: by alexnet4j.parallel. */
class ParallelModesTest {
  @Test
  void theThreeOfThisModuleAreFoundByName() {
    var modes = ParallelModes.discover(getClass().getClassLoader());
    assertEquals(List.of("data", "hybrid", "model"), modes.names());
    assertInstanceOf(ModelParallelMode.class, modes.select("model"));
    assertInstanceOf(DataParallelMode.class, modes.select("data"));
    assertInstanceOf(HybridParallelMode.class, modes.select("hybrid"));
  }

  @Test
  void theReferenceChoosesModel() {
    assertInstanceOf(ModelParallelMode.class, ParallelModes.from(Alexnet4j.loadConfig("")));
  }

  @Test
  void anUnknownNameIsOneLineNamingTheKeyAndTheKnownModes() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () -> ParallelModes.from(Alexnet4j.loadConfig("alexnet4j.parallel = pipeline")));
    assertEquals(
        "alexnet4j.parallel: unknown parallel mode 'pipeline' (known: data, hybrid, model)",
        e.getMessage());
  }

  /**
   * The test's own arrangement: the whole network on the first device, the others idle. It records
   * the devices it was asked to arrange over.
   */
  public static final class FirstDeviceMode implements ParallelMode {
    static final List<List<Device>> ARRANGED = new ArrayList<>();

    @Override
    public String name() {
      return "first-device";
    }

    @Override
    public boolean splitsBatch() {
      return false;
    }

    @Override
    public TrainableNetwork arrange(
        NetworkSpec spec,
        Backend backend,
        List<Device> devices,
        int batch,
        int batchOffset,
        long seed,
        StageObserver observer) {
      ARRANGED.add(devices);
      return SingleDeviceNetwork.owning(
          backend, spec.buildReplica(backend, devices.get(0), batch, batchOffset, seed));
    }
  }

  @Test
  void aModeFromAJarOfItsOwnIsChosenByTheKeyAndBuildsTheNetwork(@TempDir Path dir)
      throws IOException {
    Path jar =
        PluginJar.write(
            dir.resolve("first-device.jar"), Map.of(ParallelMode.class, FirstDeviceMode.class));
    Config config = SplitFixture.config("alexnet-small", "alexnet4j.parallel = first-device");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = PluginJar.loader(jar)) {
      // The command line puts its plug-in jars on the context class loader.
      thread.setContextClassLoader(loader);
      ParallelMode mode = ParallelModes.from(config);
      assertInstanceOf(FirstDeviceMode.class, mode);
      Injector injector = SplitFixture.injector(config);
      try (Backend backend = SplitFixture.backend(injector)) {
        List<Device> two = backend.devices().subList(0, 2);
        try (TrainableNetwork net =
            mode.build(SplitFixture.spec(injector), backend, two, 2, 7, StageObserver.NONE)) {
          assertEquals(List.of(two), FirstDeviceMode.ARRANGED);
          float[] images = SplitFixture.gaussian((int) net.inputShape().size(), 7, 50);
          net.forward(images, Pass.training(7, 0));
          assertTrue(Float.isFinite(net.loss(new int[] {0, 1})));
        }
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
