package dev.alexnet4j.distributed;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.distributed.Collective;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one allreduce of AlexNet's gradients (60,965,224 floats, 244 MB) per step, as data-parallel
 * training does. Not a test: run it under mpirun (see docs/DISTRIBUTED.md), e.g.
 *
 * <pre>
 * mpirun -np 2 --mca btl self,tcp --mca btl_tcp_if_include lo \
 *     java -Xmx1g -cp CLASSPATH dev.alexnet4j.distributed.AllreduceBenchmark [floats] [steps]
 * </pre>
 *
 * <p>Rank 0 prints the median, minimum and maximum milliseconds per allreduce (each step starts
 * after a barrier, so it measures the collective, not the ranks' skew) and the bus bandwidth {@code
 * 2 (n-1)/n * bytes / time}, the figure NCCL's and OSU's benchmarks report.
 */
public final class AllreduceBenchmark {
  /** AlexNet's parameters, 1000 classes: conv1-5 and fc6-8, weights and biases. */
  static final int ALEXNET_GRADIENTS = 60_965_224;

  private AllreduceBenchmark() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : ALEXNET_GRADIENTS;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmUp = 2;
    try (Collective mpi = new MpiCollectiveProvider().open(ConfigFactory.load())) {
      FloatBuffer gradients = MpiTestMain.floats(count);
      for (int i = 0; i < count; i++) {
        gradients.put(i, 1e-3f * (i % 1000));
      }
      double[] ms = new double[steps];
      for (int step = -warmUp; step < steps; step++) {
        mpi.barrier();
        long start = System.nanoTime();
        mpi.allreduceSum(gradients, count);
        long end = System.nanoTime();
        if (step >= 0) {
          ms[step] = (end - start) / 1e6;
        }
      }
      if (mpi.isRoot()) {
        Arrays.sort(ms);
        double median = ms[steps / 2];
        double bytes = (double) count * Float.BYTES;
        double busGbPerS = 2.0 * (mpi.size() - 1) / mpi.size() * bytes / (median / 1e3) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "allreduce of %,d floats (%.0f MB), %d ranks, %d steps: median %.1f ms, min %.1f ms,"
                + " max %.1f ms; bus bandwidth %.2f GB/s%n",
            count,
            bytes / 1e6,
            mpi.size(),
            steps,
            median,
            ms[0],
            ms[steps - 1],
            busGbPerS);
      }
    }
  }
}
