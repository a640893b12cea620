package dev.alexnet4j.cli;

import static dev.alexnet4j.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.backend.cudnn.RequiresCudnn;
import dev.alexnet4j.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line users come for: {@code train --backend cudnn --devices 0,1 --parallel model},
 * the paper's two-GPU split, for a few steps on generated images; then {@code eval} of its
 * checkpoint on the ND4J backend and on cuDNN, which must agree.
 *
 * <p>In the build this runs on the emulated CUDA stack (two emulated devices): it proves the
 * command line, the model split and checkpoint portability between backends, not GPU numerics or
 * speed.
 */
@RequiresCudnn
class CudnnCommandLineTest {
  @Test
  void trainsOnTwoDevicesWithTheModelSplitAndEvaluatesOnNd4j(@TempDir Path dir) throws IOException {
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path config = CliFixture.config(dir);
    Path runFolder = dir.resolve("run");
    Run train =
        run(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            runFolder.toString(),
            "--seed",
            "4",
            "--backend",
            "cudnn",
            "--devices",
            "0,1",
            "--parallel",
            "model");
    assertEquals(0, train.exitCode(), "train: " + train.err() + train.out());
    assertTrue(train.out().contains("finished at step 12"), train.out());
    Path checkpoint = runFolder.resolve("checkpoints/checkpoint-0000000012.a4j");
    assertTrue(Files.isRegularFile(checkpoint), "checkpoint written: " + checkpoint);

    Run onNd4j = eval(checkpoint, data, "nd4j");
    Run onCudnn = eval(checkpoint, data, "cudnn");
    Matcher cpu = RESULT.matcher(onNd4j.out());
    Matcher gpu = RESULT.matcher(onCudnn.out());
    assertTrue(cpu.find(), "nd4j eval: " + onNd4j.out());
    assertTrue(gpu.find(), "cudnn eval: " + onCudnn.out());
    assertEquals(cpu.group(1), gpu.group(1), "top-1 error, nd4j vs cudnn");
    double loss = Double.parseDouble(cpu.group(2));
    assertEquals(loss, Double.parseDouble(gpu.group(2)), 2e-3 * Math.max(1, loss), "loss");
  }

  private static final Pattern RESULT =
      Pattern.compile("16 images, centre crop: top-1 error ([0-9.]+)%.*loss ([0-9.]+)");

  private static Run eval(Path checkpoint, Path data, String backend) {
    Run r =
        run(
            "eval",
            "--checkpoint",
            checkpoint.toString(),
            "--data",
            data.resolve("val").toString(),
            "--backend",
            backend);
    assertEquals(0, r.exitCode(), "eval on " + backend + ": " + r.err() + r.out());
    return r;
  }
}
