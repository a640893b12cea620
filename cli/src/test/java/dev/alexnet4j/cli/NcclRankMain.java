package dev.alexnet4j.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rank of {@link NcclTrainingEmulatedTest}: runs {@code alexnet4j train} with the given
 * arguments while a sampler asks the emulated CUDA stack, every few milliseconds, which devices
 * hold anything (memory, streams, cuDNN / cuBLAS handles, NCCL communicators); then writes the exit
 * code, the devices seen and what the command printed to {@code <dir>/rank-<r>.txt}.
 *
 * <p>Arguments: the results directory, then the command line.
 */
public final class NcclRankMain {
  /** The emulator's own diagnostics (libcudaemu.so, found through java.library.path). */
  interface Emulator extends Library {
    Pointer emu_live_report();

    void free(Pointer p);
  }

  private static final Pattern ON_DEVICE = Pattern.compile("on device (\\d+)");

  private NcclRankMain() {}

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args[0]);
    String[] command = Arrays.copyOfRange(args, 1, args.length);
    String rank = System.getenv().getOrDefault("OMPI_COMM_WORLD_RANK", "?");
    Emulator emulator = Native.load(emulatorLibrary(), Emulator.class);
    Emulator libc = Native.load("c", Emulator.class);
    Set<Integer> seen = new TreeSet<>();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                Pointer report = emulator.emu_live_report();
                if (report != null) {
                  Matcher m = ON_DEVICE.matcher(report.getString(0));
                  synchronized (seen) {
                    while (m.find()) {
                      seen.add(Integer.parseInt(m.group(1)));
                    }
                  }
                  libc.free(report);
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "emulated-device-sampler");
    sampler.setDaemon(true);
    sampler.start();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(command, new PrintWriter(out, true), new PrintWriter(err, true));
    sampler.interrupt();
    sampler.join();
    String text;
    synchronized (seen) {
      text =
          "exit="
              + code
              + "\ndevices-seen="
              + seen
              + "\n--- out\n"
              + out
              + "\n--- err\n"
              + err
              + "\n";
    }
    write(results.resolve("rank-" + rank + ".txt"), text);
    System.exit(code);
  }

  private static String emulatorLibrary() {
    for (String dir : System.getProperty("java.library.path", "").split(":")) {
      Path candidate = Path.of(dir, "libcudaemu.so");
      if (Files.isRegularFile(candidate)) {
        return candidate.toString();
      }
    }
    return "cudaemu";
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
