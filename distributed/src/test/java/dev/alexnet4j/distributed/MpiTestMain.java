package dev.alexnet4j.distributed;

import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.Collectives;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * What each rank runs in the multi-process tests ({@link MpiCollectiveMultiProcessTest}), started
 * by {@link MpiLauncher}. It does not judge: it prints {@code RESULT key value} lines that the test
 * compares across ranks, so a wrong answer fails the test rather than only this process.
 *
 * <p>Scenarios (first argument): {@code collectives} (allreduce, broadcasts, barrier), {@code halt}
 * (rank 1 dies mid-job), {@code hang} (rank 1 stops answering mid-job).
 */
public final class MpiTestMain {
  /** Allreduce inputs repeat with this period so the sums stay small exact integers. */
  static final int PERIOD = 1021;

  static final long BROADCAST_SEED = 20240611L;

  /** Which collective the ranks use: {@code mpi} (the default) or {@code nccl}. */
  static final String COLLECTIVE_PROPERTY = "alexnet4j.test.collective";

  private MpiTestMain() {}

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    String name = System.getProperty(COLLECTIVE_PROPERTY, MpiCollective.NAME);
    try (Collective mpi =
        Collectives.discover(MpiTestMain.class.getClassLoader())
            .select(name)
            .open(ConfigFactory.load())) {
      result("size", mpi.size());
      result("local-rank", mpi.localRank());
      switch (scenario) {
        case "collectives" -> collectives(mpi, Integer.parseInt(args[1]));
        case "halt" -> halt(mpi, 3);
        case "exit" -> halt(mpi, 0);
        case "hang" -> hang(mpi);
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      }
      result("done", true);
    }
  }

  private static void collectives(Collective mpi, int count) throws InterruptedException {
    allreduce(mpi, count);
    broadcastFloats(mpi, count, mpi.size() - 1);
    broadcastBytes(mpi, 1000, 0);
    barrier(mpi);
  }

  /** Rank r contributes (r + 1) * (i mod PERIOD): integers whose sums float holds exactly. */
  private static void allreduce(Collective mpi, int count) {
    FloatBuffer data = floats(count);
    for (int i = 0; i < count; i++) {
      data.put(i, (mpi.rank() + 1) * (float) (i % PERIOD));
    }
    mpi.allreduceSum(data, count);
    float ranksFactor = mpi.size() * (mpi.size() + 1) / 2f;
    int mismatches = 0;
    String firstMismatch = "none";
    for (int i = 0; i < count; i++) {
      float expected = ranksFactor * (i % PERIOD);
      if (data.get(i) != expected) {
        if (mismatches == 0) {
          firstMismatch = "index " + i + " got " + data.get(i) + " expected " + expected;
        }
        mismatches++;
      }
    }
    result("allreduce-mismatches", mismatches);
    result("allreduce-first-mismatch", firstMismatch);
    result("allreduce-last", data.get(count - 1));
  }

  private static void broadcastFloats(Collective mpi, int count, int root) {
    FloatBuffer data = seededFloats(count, mpi.rank() == root ? BROADCAST_SEED : mpi.rank());
    mpi.broadcast(data, count, root);
    result("broadcast-floats-crc", crcOfFloats(data, count));
  }

  /** Random floats from {@code seed}, the same on every JVM. */
  static FloatBuffer seededFloats(int count, long seed) {
    FloatBuffer data = floats(count);
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      data.put(i, random.nextFloat());
    }
    return data;
  }

  static String crcOfFloats(FloatBuffer data, int count) {
    ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES);
    for (int i = 0; i < count; i++) {
      bytes.putInt(Float.floatToRawIntBits(data.get(i)));
    }
    return crc(bytes.array());
  }

  private static void broadcastBytes(Collective mpi, int count, int root) {
    ByteBuffer data = ByteBuffer.allocateDirect(count);
    byte[] values = new byte[count];
    new Random(mpi.rank() == root ? BROADCAST_SEED : mpi.rank()).nextBytes(values);
    data.put(0, values);
    mpi.broadcast(data, count, root);
    data.get(0, values);
    result("broadcast-bytes-crc", crc(values));
  }

  /** Ranks arrive 300 ms apart; none may leave before the last has arrived. */
  private static void barrier(Collective mpi) throws InterruptedException {
    Thread.sleep(300L * mpi.rank());
    long entered = System.currentTimeMillis();
    mpi.barrier();
    long left = System.currentTimeMillis();
    result("barrier-entered", entered);
    result("barrier-left", left);
  }

  /**
   * Rank 1 ends abruptly with {@code status} (no MPI_Finalize) after one allreduce while the others
   * start another: a crash (non-zero) or a rank that returned early (zero).
   */
  private static void halt(Collective mpi, int status) {
    FloatBuffer data = floats(16);
    mpi.allreduceSum(data, 16);
    if (mpi.rank() == 1) {
      result("halting-at", System.currentTimeMillis());
      Runtime.getRuntime().halt(status);
    }
    mpi.allreduceSum(data, 16);
    result("second-allreduce-returned", true);
  }

  /** Rank 1 stops taking part (as a deadlocked or stopped process would) while still alive. */
  private static void hang(Collective mpi) throws InterruptedException {
    FloatBuffer data = floats(16);
    mpi.allreduceSum(data, 16);
    if (mpi.rank() == 1) {
      result("hanging-since", System.currentTimeMillis());
      Thread.sleep(600_000);
    }
    mpi.allreduceSum(data, 16);
    result("second-allreduce-returned", true);
  }

  static FloatBuffer floats(int count) {
    return ByteBuffer.allocateDirect(count * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  static String crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return Long.toHexString(crc.getValue());
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + " " + value);
    System.out.flush();
  }
}
