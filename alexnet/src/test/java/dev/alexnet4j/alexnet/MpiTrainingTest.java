package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.train.TrainingSettings;
import dev.alexnet4j.distributed.MpiLauncher;
import dev.alexnet4j.distributed.MpiRun;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training across real MPI processes over TCP on loopback (the path used between
 * machines): N ranks with batch 16 / N each end, after 12 steps, where one process with batch 16
 * ends (to 1e-4 of each tensor's scale: only the order of float sums differs), and every rank holds
 * bit-identical weights. Skipped, by a real check, where Open MPI is missing.
 */
class MpiTrainingTest {
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest(name = "{0} ranks")
  @ValueSource(ints = {2, 4})
  void ranksOverTcpEndWhereOneProcessEnds(int ranks) throws Exception {
    MpiLauncher.whyUnavailable().ifPresent(why -> Assumptions.abort(why));
    Config config = Alexnet4j.loadConfig(RankTraining.NET);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    Map<String, float[]> single;
    try (Backend backend = injector.getInstance(Backend.class)) {
      single =
          RankTraining.train(
                  backend,
                  spec,
                  TrainingSettings.from(config),
                  null,
                  RankTraining.BATCH,
                  5,
                  null,
                  1)
              .weights();
    }
    MpiRun run =
        MpiLauncher.ranks(ranks)
            .overTcpLoopback()
            .oversubscribe()
            .withJvmOptions("-Xmx512m")
            .withSystemProperty("alexnet4j.distributed.timeout-seconds", "120")
            .withTimeout(Duration.ofMinutes(4))
            .run(MpiTrainingMain.class, "1");
    assertEquals(0, run.exitCode(), run.describe());
    Map<String, float[]> first = weights(run, 0);
    for (int r = 0; r < ranks; r++) {
      Map<String, float[]> mine = weights(run, r);
      assertEquals(single.keySet(), mine.keySet(), "rank " + r + " parameter names");
      for (String name : single.keySet()) {
        assertArrayEquals(first.get(name), mine.get(name), "rank " + r + " " + name + " = rank 0");
        assertClose(ranks + " ranks, " + name, single.get(name), mine.get(name));
      }
    }
  }

  private static Map<String, float[]> weights(MpiRun run, int rank) {
    Map<String, float[]> out = new LinkedHashMap<>();
    List<String> lines = run.results(rank, "weight");
    if (lines.isEmpty()) {
      fail("rank " + rank + " printed no weights\n" + run.describe());
    }
    for (String line : lines) {
      String[] parts = line.split(" ");
      ByteBuffer bytes =
          ByteBuffer.wrap(Base64.getDecoder().decode(parts[1])).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[bytes.remaining() / Float.BYTES];
      bytes.asFloatBuffer().get(values);
      out.put(parts[0], values);
    }
    return out;
  }

  private static void assertClose(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    double scale = 1;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * scale)) {
        fail(what + "[" + i + "]: ranks " + actual[i] + ", one process " + expected[i]);
      }
    }
  }
}
