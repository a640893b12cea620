package dev.alexnet4j.alexnet;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.Collectives;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.train.TrainingSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;

/**
 * One MPI rank of {@link MpiTrainingTest}: trains {@link RankTraining}'s net with its share of the
 * batch over the {@code mpi} collective and prints every final weight tensor as a {@code RESULT}
 * line (base64 of little-endian floats) for the test to compare.
 *
 * <p>Arguments: sync-every.
 */
public final class MpiTrainingMain {
  private MpiTrainingMain() {}

  public static void main(String[] args) throws Exception {
    int syncEvery = Integer.parseInt(args[0]);
    Config config = Alexnet4j.loadConfig(RankTraining.NET);
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    TrainingSettings settings = TrainingSettings.from(config);
    try (Collective mpi =
            Collectives.discover(MpiTrainingMain.class.getClassLoader())
                .select("mpi")
                .open(config);
        Backend backend = injector.getInstance(Backend.class)) {
      int share = RankTraining.BATCH / mpi.size();
      // Every rank starts from other weights: rank 0's must reach them by broadcast.
      long seed = 5 + 1000L * mpi.rank();
      Map<String, float[]> weights =
          RankTraining.train(backend, spec, settings, mpi, share, seed, null, syncEvery).weights();
      for (Map.Entry<String, float[]> e : weights.entrySet()) {
        ByteBuffer bytes =
            ByteBuffer.allocate(e.getValue().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(e.getValue());
        System.out.println(
            "RESULT weight "
                + e.getKey()
                + " "
                + Base64.getEncoder().encodeToString(bytes.array()));
      }
      System.out.println("RESULT done true");
    }
  }
}
