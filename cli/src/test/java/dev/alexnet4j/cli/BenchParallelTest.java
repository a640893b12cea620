package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --devices 0,1 --parallel model} times the split network; other modes say no. */
class BenchParallelTest {
  @TempDir Path dir;

  @Test
  void benchesTheModelParallelSplitOnTwoVirtualDevices() throws IOException {
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
            "model");
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains("model-parallel over [cpu:0, cpu:1]"), r.out());
    assertTrue(r.out().contains("images/s"), r.out());
    assertTrue(r.out().contains("cpu:1 waiting"), r.out());
  }

  @Test
  void aMissingDeviceOrAnUnbuiltModeIsAUserError() throws IOException {
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
    Run data =
        CliFixture.run(
            "bench", "--config", config.toString(), "--devices", "0,1", "--parallel", "data");
    assertNotEquals(0, data.exitCode());
    assertTrue(data.err().contains("only model is implemented"), data.err());
  }
}
