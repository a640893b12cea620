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
  void againstOneDeviceReportsThePairedSpeedup() throws IOException {
    Path config = CliFixture.config(dir);
    String[] args = {
      "bench",
      "--config",
      config.toString(),
      "--batch",
      "4",
      "--warmup",
      "0",
      "--iterations",
      "3",
      "-Dalexnet4j.nd4j.virtual-devices=2",
      "--devices",
      "0,1",
      "--parallel",
      "model",
      "--against-one-device"
    };
    Run r = CliFixture.run(args);
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains("cpu:0 alone, in turn with it:"), r.out());
    assertTrue(
        r.out()
            .matches(
                "(?s).*speed-up over one device, paired steps: median \\d+\\.\\d{3}x"
                    + " \\(quartiles \\d+\\.\\d{3}-\\d+\\.\\d{3}, 3 pairs\\).*"),
        r.out());
    String[] json = java.util.Arrays.copyOf(args, args.length + 1);
    json[args.length] = "--json";
    Run j = CliFixture.run(json);
    assertEquals(0, j.exitCode(), j.err() + j.out());
    assertTrue(j.out().contains("\"speedup_over_one_device\":{\"median\":"), j.out());
    assertTrue(j.out().contains("\"one_device_train_images_per_second\""), j.out());
  }

  @Test
  void againstOneDeviceNeedsSeveralDevices() throws IOException {
    Path config = CliFixture.config(dir);
    Run none = CliFixture.run("bench", "--config", config.toString(), "--against-one-device");
    assertNotEquals(0, none.exitCode());
    assertTrue(none.err().contains("--against-one-device"), none.err());
    Run one =
        CliFixture.run(
            "bench",
            "--config",
            config.toString(),
            "--devices",
            "0",
            "--parallel",
            "model",
            "--against-one-device");
    assertNotEquals(0, one.exitCode());
    assertTrue(one.err().contains("at least two devices"), one.err());
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
    assertTrue(
        unknown.err().contains("unknown parallel mode 'pipeline' (known: data, hybrid, model)"),
        unknown.err());
  }
}
