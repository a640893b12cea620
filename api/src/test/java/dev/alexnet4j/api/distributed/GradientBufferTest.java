package dev.alexnet4j.api.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.conformance.NaiveFloatBackend;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GradientBufferTest {
  private final Backend backend = new NaiveFloatBackend();

  @AfterEach
  void close() throws Exception {
    backend.close();
  }

  private Tensor tensor(Shape shape, float first) {
    float[] data = new float[(int) shape.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = first + i;
    }
    return backend.upload(backend.devices().get(0), shape, data);
  }

  /**
   * Plays the other ranks of a world: its allreduce adds what they would contribute, and it counts
   * calls, so a test sees both the arithmetic and that one step is one collective.
   */
  private static final class SimulatedWorld implements Collective {
    private final int rank;
    private final int size;
    private final float[] othersSum;
    private final float[] rootData;
    int allreduces;
    int broadcasts;

    SimulatedWorld(int rank, int size, float[] othersSum, float[] rootData) {
      this.rank = rank;
      this.size = size;
      this.othersSum = othersSum;
      this.rootData = rootData;
    }

    @Override
    public String name() {
      return "simulated";
    }

    @Override
    public int rank() {
      return rank;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int localRank() {
      return rank;
    }

    @Override
    public void allreduceSum(FloatBuffer data, int count) {
      assertTrue(data.isDirect(), "the buffer handed to a collective must be direct");
      assertEquals(othersSum.length, count);
      allreduces++;
      for (int i = 0; i < count; i++) {
        data.put(i, data.get(i) + othersSum[i]);
      }
    }

    @Override
    public void broadcast(FloatBuffer data, int count, int root) {
      broadcasts++;
      if (rank != root) {
        data.put(0, rootData, 0, count);
      }
    }

    @Override
    public void broadcast(ByteBuffer data, int bytes, int root) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void barrier() {}

    @Override
    public void close() {}
  }

  @Test
  void packLaysTheTensorsEndToEndInListOrder() {
    Tensor a = tensor(Shape.of(2, 3), 0);
    Tensor b = tensor(Shape.of(4), 100);
    GradientBuffer buffer = new GradientBuffer(backend, List.of(a, b));
    assertEquals(10, buffer.count());
    assertEquals(0, buffer.offset(0));
    assertEquals(6, buffer.offset(1));
    assertTrue(buffer.buffer().isDirect());

    buffer.pack();
    float[] packed = new float[10];
    buffer.buffer().get(0, packed);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 100, 101, 102, 103}, packed);
  }

  @Test
  void allreduceMeanIsOneCollectiveAndDividesTheSumByTheWorldSize() {
    Tensor a = tensor(Shape.of(3), 1); // 1 2 3
    Tensor b = tensor(Shape.of(2), 10); // 10 11
    float[] others = {2, 4, 6, 20, 22}; // what ranks 1 and 2 hold together
    SimulatedWorld world = new SimulatedWorld(0, 3, others, null);

    new GradientBuffer(backend, List.of(a, b)).allreduceMean(world);

    assertEquals(1, world.allreduces);
    // (1 + 2) / 3 etc.: the sums are exact, and one division rounds once.
    assertArrayEquals(new float[] {1, 2, 3}, backend.download(a));
    assertArrayEquals(new float[] {10, 11}, backend.download(b));
  }

  @Test
  void averageOfThreeRoundsLikeOneFloatDivision() {
    Tensor a = tensor(Shape.of(1), 0.1f);
    SimulatedWorld world = new SimulatedWorld(0, 3, new float[] {0.2f}, null);
    new GradientBuffer(backend, List.of(a)).allreduceMean(world);
    assertEquals((0.1f + 0.2f) / 3, backend.download(a)[0], 0f);
  }

  @Test
  void aWorldOfOneLeavesTheValuesBitForBit() {
    Tensor a = tensor(Shape.of(5), 0.3f);
    float[] before = backend.download(a);
    GradientBuffer buffer = new GradientBuffer(backend, List.of(a));
    buffer.allreduceMean(new LocalCollective());
    assertArrayEquals(before, backend.download(a));
  }

  @Test
  void broadcastReplacesANonRootsTensorsWithTheRootsValues() {
    Tensor a = tensor(Shape.of(2), 0);
    Tensor b = tensor(Shape.of(1), 0);
    SimulatedWorld world = new SimulatedWorld(1, 2, null, new float[] {7, 8, 9});

    new GradientBuffer(backend, List.of(a, b)).broadcast(world, 0);

    assertEquals(1, world.broadcasts);
    assertArrayEquals(new float[] {7, 8}, backend.download(a));
    assertArrayEquals(new float[] {9}, backend.download(b));
  }

  @Test
  void broadcastKeepsTheRootsOwnValues() {
    Tensor a = tensor(Shape.of(3), 5);
    SimulatedWorld world = new SimulatedWorld(0, 2, null, null);
    new GradientBuffer(backend, List.of(a)).broadcast(world, 0);
    assertArrayEquals(new float[] {5, 6, 7}, backend.download(a));
  }

  @Test
  void repeatedStepsReuseTheLayout() {
    Tensor a = tensor(Shape.of(2), 1);
    GradientBuffer buffer = new GradientBuffer(backend, List.of(a));
    SimulatedWorld world = new SimulatedWorld(0, 2, new float[] {1, 2}, null);
    buffer.allreduceMean(world); // (1+1)/2, (2+2)/2
    buffer.allreduceMean(world); // (1+1)/2, (2+2)/2
    assertArrayEquals(new float[] {1, 2}, backend.download(a));
    assertEquals(2, world.allreduces);
  }

  @Test
  void noTensorsIsAnError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GradientBuffer(backend, List.of()));
    assertTrue(e.getMessage().contains("at least one tensor"), e.getMessage());
  }

  @Test
  void aNonPositiveDivisorIsAnError() {
    GradientBuffer buffer = new GradientBuffer(backend, List.of(tensor(Shape.of(1), 0)));
    assertThrows(IllegalArgumentException.class, () -> buffer.unpack(0));
  }
}
