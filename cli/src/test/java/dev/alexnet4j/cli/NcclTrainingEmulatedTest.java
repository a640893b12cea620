package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alexnet4j.backend.cudnn.RequiresCudnn;
import dev.alexnet4j.cudaemu.EmulatedCuda;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mpirun -np 2 alexnet4j train --backend cudnn --dist nccl} on the emulated CUDA stack (two
 * emulated devices): each rank must compute and run NCCL on the GPU of its local rank and leave the
 * other GPU untouched, which the emulator shows (nothing of rank r's ever lives on the other
 * device). Before, both ranks built their networks on GPU 0 and opened every GPU.
 *
 * <p>Proves the wiring from the launcher's local rank to the backend and NCCL, not GPU numerics.
 */
@RequiresCudnn
class NcclTrainingEmulatedTest {
  private static final long TIMEOUT_SECONDS = 240;

  @Test
  void twoRanksEachTrainOnTheirOwnEmulatedGpuAlone(@TempDir Path dir) throws Exception {
    assumeTrue(EmulatedCuda.active(), "runs on the emulated CUDA stack only");
    assumeTrue(onPath("mpirun"), "skipped: Open MPI's mpirun is not on the PATH");
    assertEquals(2, EmulatedCuda.devices(), "the emulated-gpu execution offers two devices");
    Path data = CliFixture.imageFolders(dir.resolve("data"));
    Path config = CliFixture.config(dir);
    Path results = dir.resolve("results");
    List<String> command = new ArrayList<>();
    command.addAll(List.of("mpirun", "-np", "2", "--oversubscribe"));
    command.addAll(List.of("--output-filename", dir.resolve("mpirun-output").toString()));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.library.path=" + System.getProperty("java.library.path"),
            "-D" + EmulatedCuda.PROPERTY + "=true",
            "-Dalexnet4j.distributed.timeout-seconds=120",
            "-cp",
            classPath(),
            NcclRankMain.class.getName(),
            results.toString()));
    command.addAll(
        List.of(
            "train",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("run").toString(),
            "--seed",
            "4",
            "--backend",
            "cudnn",
            "--dist",
            "nccl"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mpirun.log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("OMPI_") || k.startsWith("PMIX_"));
    if ("root".equals(System.getProperty("user.name"))) {
      env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
      env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    Process mpirun = builder.start();
    if (!mpirun.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      mpirun.descendants().forEach(ProcessHandle::destroyForcibly);
      mpirun.destroyForcibly();
    }
    String log = read(dir.resolve("mpirun.log"));
    String rank0 = read(results.resolve("rank-0.txt"));
    String rank1 = read(results.resolve("rank-1.txt"));
    String all = "mpirun:\n" + log + "\nrank 0:\n" + rank0 + "\nrank 1:\n" + rank1;
    assertEquals(0, mpirun.isAlive() ? -1 : mpirun.exitValue(), all);
    assertTrue(rank0.startsWith("exit=0\n"), all);
    assertTrue(rank1.startsWith("exit=0\n"), all);
    assertTrue(rank0.contains("2 ranks (nccl)"), all);
    assertTrue(rank0.contains("finished at step"), all);
    assertTrue(rank0.contains("\ndevices-seen=[0]\n"), "rank 0 used only GPU 0\n" + all);
    assertTrue(rank1.contains("\ndevices-seen=[1]\n"), "rank 1 used only GPU 1\n" + all);
    System.out.println("2 ranks, --dist nccl on emulated GPUs:\n" + all);
  }

  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
