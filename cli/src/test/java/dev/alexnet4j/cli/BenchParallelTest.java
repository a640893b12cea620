package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench --devices 0,1 --parallel MODE} times each way of sharing two devices. */
class BenchParallelTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"model", "data", "hybrid"})
  void benchesEachModeOnTwoVirtualDevices(String mode) throws IOException {
    Path config = CliFixture.config(dir);
    Run r =
        CliFixture.run(
            "bench",
            "--config",
            config.toString(),
            "--batch",
            "4",
            "--warmup",
            "0",
            "--iterations",
            "2",
            "-Dalexnet4j.nd4j.virtual-devices=2",
            "--devices",
            "0,1",
            "--parallel",
            mode);
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains(mode + "-parallel over [cpu:0, cpu:1]"), r.out());
    assertTrue(r.out().contains("images/s"), r.out());
    assertTrue(r.out().contains("cpu:1 waiting"), r.out());
  }

  @Test
  void aMissingDeviceOrAnUnknownModeIsAUserError() throws IOException {
    Path config = CliFixture.config(dir);
    Run missing =
        CliFixture.run(
            "bench",
            "--config",
            config.toString(),
            "--warmup",
            "0",
            "--iterations",
            "1",
            "-Dalexnet4j.nd4j.virtual-devices=2",
            "--devices",
            "0,3",
            "--parallel",
            "model");
    assertNotEquals(0, missing.exitCode());
    assertTrue(missing.err().contains("alexnet4j.devices"), missing.err());
    assertTrue(missing.err().contains("[cpu:0, cpu:1]"), missing.err());
    Run unknown =
        CliFixture.run(
            "bench",
            "--config",
            config.toString(),
            "-Dalexnet4j.nd4j.virtual-devices=2",
            "--devices",
            "0,1",
            "--parallel",
            "pipeline");
    assertNotEquals(0, unknown.exitCode());
    assertTrue(unknown.err().contains("alexnet4j.parallel"), unknown.err());
    assertTrue(unknown.err().contains("model, data, hybrid"), unknown.err());
  }
}
