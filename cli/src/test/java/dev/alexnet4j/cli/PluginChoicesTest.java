package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.alexnet4j.alexnet.parallel.ParallelMode;
import dev.alexnet4j.alexnet.parallel.StageObserver;
import dev.alexnet4j.api.backend.Availability;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.CollectiveProvider;
import dev.alexnet4j.api.distributed.LocalCollective;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.testing.PluginJar;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collective ({@code alexnet4j.distributed.collective}, {@code --dist}) and the parallel mode
 * ({@code alexnet4j.parallel}, {@code --parallel}) are config keys, and a jar of plug-ins adds
 * either as it adds a backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginChoicesTest {
  private Path dir;
  private Path data;
  private Path glooConfig;

  @BeforeAll
  void data(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    data = CliFixture.imageFolders(dir.resolve("data"));
    // A config file choosing a collective that does not exist.
    glooConfig = dir.resolve("gloo.conf");
    Files.writeString(
        glooConfig,
        Files.readString(CliFixture.config(dir)) + "\nalexnet4j.distributed.collective = gloo\n");
  }

  /** A world of one that counts how often it was opened. */
  public static final class CountingCollectiveProvider implements CollectiveProvider {
    static final AtomicInteger OPENED = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Availability availability() {
      return Availability.yes();
    }

    @Override
    public Collective open(Config config) {
      OPENED.incrementAndGet();
      return new LocalCollective();
    }
  }

  /** The whole network on the first device; records the devices it was given. */
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
      ARRANGED.add(List.copyOf(devices));
      return SingleDeviceNetwork.owning(
          backend, spec.buildReplica(backend, devices.get(0), batch, batchOffset, seed));
    }
  }

  private Run train(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--config",
                glooConfig.toString(),
                "--data",
                data.toString(),
                "--epochs",
                "1"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void anUnknownCollectiveInTheConfigIsOneLineNamingTheKeyAndTheKnownOnes() {
    Run r = train("--out", dir.resolve("refused").toString());
    assertEquals(Main.USER_ERROR, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .contains(
                "alexnet4j.distributed.collective: unknown collective 'gloo' (known: local, mpi,"
                    + " nccl)"),
        r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("alexnet4j:")).count(), r.err());
    assertTrue(Files.notExists(dir.resolve("refused")));
  }

  @Test
  void distOverridesTheConfigKeyAndMinusDOverridesDist() {
    Run r = train("--out", dir.resolve("d").toString(), "--dist", "mpj");
    assertTrue(r.err().contains("unknown collective 'mpj'"), r.err());
    r =
        train(
            "--out",
            dir.resolve("d").toString(),
            "--dist",
            "mpj",
            "-Dalexnet4j.distributed.collective=nccm");
    assertTrue(r.err().contains("unknown collective 'nccm'"), r.err());
  }

  @Test
  void aCollectiveAndAParallelModeFromAPluginJarTrain() throws IOException {
    Path jar =
        PluginJar.write(
            dir.resolve("choices.jar"),
            Map.of(
                CollectiveProvider.class,
                CountingCollectiveProvider.class,
                ParallelMode.class,
                FirstDeviceMode.class));
    Run r =
        train(
            "--plugins",
            jar.toString(),
            "--out",
            dir.resolve("plugged").toString(),
            "--dist",
            "counting",
            "--parallel",
            "first-device",
            "-Dalexnet4j.nd4j.virtual-devices=2",
            "--devices",
            "0,1");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, CountingCollectiveProvider.OPENED.get());
    assertEquals(1, FirstDeviceMode.ARRANGED.size());
    assertEquals(2, FirstDeviceMode.ARRANGED.get(0).size());
    assertTrue(r.out().contains("finished at step"), r.out());
  }
}
