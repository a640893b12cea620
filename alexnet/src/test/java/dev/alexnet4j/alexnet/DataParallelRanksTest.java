package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.testing.ThreadRanks;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer as ranks of a data-parallel job (here threads of one JVM behind the {@code
 * Collective} interface; the distributed module runs the same over MPI): N ranks with batch B/N
 * each end where one process with batch B ends, every rank holds the same weights, validation
 * counts are summed over the shards, and only rank 0 writes checkpoints.
 */
class DataParallelRanksTest {
  private static final double TOLERANCE = 1e-4;
  private static final int BATCH = RankTraining.BATCH;

  private final Config config = Alexnet4j.loadConfig(RankTraining.NET);
  private final Injector injector = Alexnet4j.createInjector(config);
  private final NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
  private final TrainingSettings settings = TrainingSettings.from(config);
  private final Backend backend = injector.getInstance(Backend.class);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    threads.shutdownNow();
    backend.close();
  }

  @ParameterizedTest(name = "{0} ranks")
  @ValueSource(ints = {2, 4})
  void ranksWithAShareOfTheBatchEachEndWhereOneProcessEnds(int ranks, @TempDir Path dir)
      throws Exception {
    RankTraining.Outcome single = train(null, BATCH, 5, null);
    List<RankTraining.Outcome> outcomes = trainRanks(ranks, 1, dir);
    for (int r = 0; r < ranks; r++) {
      Map<String, float[]> w = outcomes.get(r).weights();
      for (String name : single.weights().keySet()) {
        assertClose(
            ranks + " ranks, rank " + r + " " + name, single.weights().get(name), w.get(name));
        assertArrayEquals(
            outcomes.get(0).weights().get(name), w.get(name), "rank " + r + " equals rank 0");
      }
    }
    EpochReport one = single.last();
    EpochReport shared = outcomes.get(0).last();
    assertEquals(one.validationTop1Error(), shared.validationTop1Error(), 1.0 / 32 + 1e-9);
    assertEquals(one.validationLoss(), shared.validationLoss(), 1e-3);
    assertTrue(Files.exists(dir.resolve("rank0").resolve("best.a4j")));
    for (int r = 1; r < ranks; r++) {
      try (var files = Files.list(dir.resolve("rank" + r))) {
        assertEquals(List.of(), files.toList(), "rank " + r + " writes no checkpoint");
      }
    }
  }

  @Test
  void syncEveryKAveragesTheWeightsEveryKSteps(@TempDir Path dir) throws Exception {
    // 2 epochs of 96 / 16 = 6 steps: with K = 3 the run's 12 steps end on an averaging step.
    List<RankTraining.Outcome> outcomes = trainRanks(2, 3, dir);
    Map<String, float[]> single = train(null, BATCH, 5, null).weights();
    boolean differs = false;
    for (String name : single.keySet()) {
      assertArrayEquals(
          outcomes.get(0).weights().get(name),
          outcomes.get(1).weights().get(name),
          name + ": equal on both ranks after the last averaging");
      float[] a = single.get(name);
      float[] b = outcomes.get(0).weights().get(name);
      for (int i = 0; i < a.length; i++) {
        differs |= Math.abs(a[i] - b[i]) > 1e-6;
      }
    }
    assertTrue(differs, "local steps between averagings are not the single-process trajectory");
  }

  /**
   * A rank whose shard runs short (here: fewer samples; in real runs, skipped files) ends each
   * epoch for every rank at the next step, instead of leaving the others waiting in an allreduce.
   */
  @Test
  void aRankWhoseShardRunsShortEndsEveryEpochForAll() throws Exception {
    ThreadRanks world = new ThreadRanks(2, 30);
    List<Future<RankTraining.Outcome>> futures = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Collective c = world.rank(r);
      // 96 samples make 6 steps of 2 x 8; rank 1's 64 make only 4.
      int samples = r == 0 ? 96 : 64;
      futures.add(
          threads.submit(
              () ->
                  RankTraining.train(backend, spec, settings, c, BATCH / 2, 5, null, 1, samples)));
    }
    for (Future<RankTraining.Outcome> f : futures) {
      assertEquals(8, f.get().steps(), "2 epochs of the 4 steps every rank can take");
    }
  }

  private List<RankTraining.Outcome> trainRanks(int ranks, int syncEvery, Path dir)
      throws Exception {
    ThreadRanks world = new ThreadRanks(ranks, 60);
    List<Future<RankTraining.Outcome>> futures = new ArrayList<>();
    for (int r = 0; r < ranks; r++) {
      Collective c = world.rank(r);
      // Other ranks start from other weights: rank 0's must reach them by broadcast.
      long seed = 5 + r * 1000L;
      Path store = dir.resolve("rank" + r);
      futures.add(
          threads.submit(
              // Every rank is given a store; only the root may write into it.
              () -> train(c, BATCH / ranks, seed, store, syncEvery)));
    }
    List<RankTraining.Outcome> out = new ArrayList<>();
    for (Future<RankTraining.Outcome> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  private RankTraining.Outcome train(Collective collective, int batch, long seed, Path store)
      throws IOException {
    return train(collective, batch, seed, store, 1);
  }

  private RankTraining.Outcome train(
      Collective collective, int batch, long seed, Path store, int syncEvery) throws IOException {
    return RankTraining.train(backend, spec, settings, collective, batch, seed, store, syncEvery);
  }

  private static void assertClose(String what, float[] expected, float[] actual) {
    double scale = 1;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * scale)) {
        fail(what + "[" + i + "]: " + actual[i] + ", one process " + expected[i]);
      }
    }
  }
}
