package dev.alexnet4j.cli;

import com.google.inject.Injector;
import dev.alexnet4j.alexnet.parallel.ModelParallelMode;
import dev.alexnet4j.alexnet.parallel.StageObserver;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.train.SingleDeviceNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ND4J half of the GPU day, run at bundle time where ND4J is (it cannot be carried to the GPU
 * machine): the {@link GpuDay} workload on the ND4J backend (CPU), written to a small gzip file in
 * the bundle that {@link GpuDayRun} compares cuDNN against, step by step.
 *
 * <pre>
 *   GpuDayReference out=FILE model=alexnet classes=1000 batch=16 steps=200
 * </pre>
 */
public final class GpuDayReference {
  private GpuDayReference() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Path out = Path.of(a.get("out"));
    GpuDay.Workload w =
        new GpuDay.Workload(
            a.getOrDefault("model", "alexnet"),
            Integer.parseInt(a.getOrDefault("classes", "1000")),
            Integer.parseInt(a.getOrDefault("batch", "16")),
            Integer.parseInt(a.getOrDefault("steps", "200")));
    if (Files.exists(out) && "true".equals(a.get("reuse"))) {
      GpuDay.Reference old = GpuDay.read(out);
      if (old.workload().equals(w)) {
        log("%s already holds %s; kept (reuse=true)", out, w.header());
        return;
      }
    }
    long start = System.nanoTime();
    log("ND4J reference for %s -> %s", w.header(), out);
    Injector injector = GpuDay.injector(w.config("nd4j", ""));
    NetworkSpec spec = GpuDay.spec(injector);
    Map<String, float[]> records;
    try (Backend backend = injector.getInstance(Backend.class);
        SingleDeviceNetwork net =
            (SingleDeviceNetwork)
                new ModelParallelMode()
                    .build(
                        spec,
                        backend,
                        backend.devices().subList(0, 1),
                        w.batch(),
                        GpuDay.SEED,
                        StageObserver.NONE)) {
      int every = Math.max(1, w.steps() / 10);
      records =
          GpuDay.train(
              net,
              net.network(),
              backend,
              w,
              w.steps(),
              true,
              (step, loss, nanos) -> {
                if (step % every == 0 || step == 1) {
                  log(
                      "step %d/%d: loss %.6f (%.2f s/step, %.0f s so far)",
                      step, w.steps(), loss, nanos / 1e9, (System.nanoTime() - start) / 1e9);
                }
              });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.createDirectories(out.toAbsolutePath().getParent());
    GpuDay.write(
        out,
        w,
        String.format(
            Locale.ROOT,
            "ND4J (CPU) reference, %d records, generated in %.0f s by GpuDayReference",
            records.size(),
            seconds),
        records);
    log("wrote %s (%d records, %d bytes) in %.0f s", out, records.size(), Files.size(out), seconds);
  }

  private static void log(String format, Object... args) {
    System.out.println("[gpu-day reference] " + String.format(Locale.ROOT, format, args));
  }
}
