package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The two towers run at the same time: each device's work runs on its own thread, and between
 * exchange points the devices' layer work overlaps in time (docs/ARCHITECTURE.md, "Model
 * parallelism"; issue 5, item 5).
 */
class SplitConcurrencyTest {
  record Interval(String stage, Device device, String thread, long start, long end) {}

  @Test
  void towersRunOnTheirOwnThreadsAndOverlapBetweenExchangePoints() {
    Injector injector = SplitFixture.injector(SplitFixture.config("alexnet-small", ""));
    NetworkSpec spec = SplitFixture.spec(injector);
    List<Interval> timeline = new CopyOnWriteArrayList<>();
    StageObserver observer =
        (stage, device, start, end) ->
            timeline.add(new Interval(stage, device, Thread.currentThread().getName(), start, end));
    int batch = 32;
    try (Backend backend = SplitFixture.backend(injector);
        ModelParallelNetwork split =
            ModelParallelNetwork.build(
                spec, backend, backend.devices().subList(0, 2), batch, 1, observer)) {
      int[] labels = SplitFixture.labels(batch, 10, 3);
      float[] data = SplitFixture.gaussian(Math.toIntExact(split.inputShape().size()), 3, 50);
      try (Tensor x = backend.upload(split.devices().get(0), split.inputShape(), data)) {
        for (int step = 0; step < 3; step++) {
          split.forward(x, Pass.training(1, step));
          split.backward(labels);
        }
      }
    }

    // Every device's work ran on one thread of its own.
    Set<String> threads0 = ConcurrentHashMap.newKeySet();
    Set<String> threads1 = ConcurrentHashMap.newKeySet();
    for (Interval i : timeline) {
      (i.device().index() == 0 ? threads0 : threads1).add(i.thread());
    }
    assertTrue(
        threads0.size() == 1 && threads1.size() == 1,
        "one thread per device: " + threads0 + " " + threads1);
    assertTrue(!threads0.equals(threads1), "the devices share a thread: " + threads0);

    // The same local layer (no exchange inside it) overlaps on the two devices.
    List<String> overlapping = new ArrayList<>();
    for (Interval a : timeline) {
      for (Interval b : timeline) {
        if (a.device().index() == 0
            && b.device().index() == 1
            && a.stage().equals(b.stage())
            && a.start() < b.end()
            && b.start() < a.end()) {
          overlapping.add(a.stage());
        }
      }
    }
    System.out.println("layers whose two device runs overlapped in time: " + overlapping);
    assertTrue(
        overlapping.stream()
            .anyMatch(s -> s.startsWith("conv2") || s.startsWith("conv4") || s.startsWith("conv5")),
        "no grouped conv ran on both devices at once; overlapping: " + overlapping);
  }
}
