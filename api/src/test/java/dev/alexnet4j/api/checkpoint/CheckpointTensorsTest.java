package dev.alexnet4j.api.checkpoint;

import static dev.alexnet4j.api.checkpoint.Arrays32.assertBitExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capturing live parameters and velocities into a checkpoint and restoring them. */
class CheckpointTensorsTest {
  @TempDir Path dir;
  private final HostTensors host = new HostTensors();

  private void fillVelocities(Map<String, Parameter> net, Sgd sgd, float base) {
    float v = base;
    for (Parameter p : net.values()) {
      float[] values = host.values(sgd.velocity(p));
      for (int i = 0; i < values.length; i++) {
        values[i] = v++ / 7;
      }
    }
  }

  @Test
  void capturesThenRestoresValuesAndVelocitiesThroughAFile() throws IOException {
    Map<String, Parameter> net = host.network(1);
    Sgd sgd = new Sgd(host.backend, net.values());
    fillVelocities(net, sgd, 3);

    Checkpoint captured =
        CheckpointTensors.capture(
            host.backend, net, sgd, "alexnet4j {}", 2, 500, Map.of("rng", "42"));
    assertEquals(List.copyOf(net.keySet()), List.copyOf(captured.parameters().keySet()));
    assertEquals(List.copyOf(net.keySet()), List.copyOf(captured.optimizerState().keySet()));
    assertArrayEquals(
        new int[] {4, 3, 3, 3}, captured.optimizerState().get("conv1.weight").shape());
    Path file = dir.resolve("c.a4j");
    CheckpointFile.write(file, captured);

    Map<String, Parameter> fresh = host.network(90);
    Sgd freshSgd = new Sgd(host.backend, fresh.values());
    CheckpointTensors.restore(host.backend, CheckpointFile.read(file), fresh, freshSgd);

    for (String name : net.keySet()) {
      assertBitExact(
          host.values(net.get(name).value()), host.values(fresh.get(name).value()), name);
      assertBitExact(
          host.values(sgd.velocity(net.get(name))),
          host.values(freshSgd.velocity(fresh.get(name))),
          name + " velocity");
    }
  }

  @Test
  void restoringAnotherArchitectureListsEverythingAndChangesNothing() {
    Map<String, Parameter> saved = new LinkedHashMap<>(host.network(1));
    saved.put("fc6.weight", host.parameter("fc6.weight", 1, 7, 24));
    saved.remove("conv1.bias");
    Sgd savedSgd = new Sgd(host.backend, saved.values());
    Checkpoint checkpoint =
        CheckpointTensors.capture(host.backend, saved, savedSgd, "", 0, 1, Map.of());

    Map<String, Parameter> net = host.network(5);
    Sgd sgd = new Sgd(host.backend, net.values());
    clearInvocations(host.backend);
    WeightsMismatchException e =
        assertThrows(
            WeightsMismatchException.class,
            () -> CheckpointTensors.restore(host.backend, checkpoint, net, sgd));

    assertEquals(
        List.of(
            "parameter conv1.bias",
            "parameter fc6.weight",
            "optimizer state conv1.bias",
            "optimizer state fc6.weight"),
        e.mismatches().stream().map(m -> m.group() + " " + m.name()).toList());
    assertTrue(e.getMessage().contains("does not fit the network"), e.getMessage());
    verify(host.backend, never()).upload(any(float[].class), any(Tensor.class));
  }

  @Test
  void aCheckpointWithoutOptimizerStateIsRefusedForTraining() {
    Map<String, Parameter> net = host.network(1);
    Sgd sgd = new Sgd(host.backend, net.values());
    Checkpoint weightsOnly =
        new Checkpoint("", 0, 0, Map.of(), CheckpointTensors.download(host.backend, net), Map.of());
    clearInvocations(host.backend);
    WeightsMismatchException e =
        assertThrows(
            WeightsMismatchException.class,
            () -> CheckpointTensors.restore(host.backend, weightsOnly, net, sgd));
    assertEquals(net.size(), e.mismatches().size());
    verify(host.backend, never()).upload(any(float[].class), any(Tensor.class));
  }

  @Test
  void tensorShapesFeedTheCompatibilityCheck() {
    Map<String, Parameter> net = host.network(1);
    Sgd sgd = new Sgd(host.backend, net.values());
    Checkpoint c = CheckpointTensors.capture(host.backend, net, sgd, "", 0, 0, Map.of());
    c.requireCompatible(CheckpointTensors.tensorShapesOf(net));
    Map<String, Parameter> smaller = new LinkedHashMap<>(net);
    smaller.remove("fc6.bias");
    assertThrows(
        WeightsMismatchException.class,
        () -> c.requireCompatible(CheckpointTensors.tensorShapesOf(smaller)));
  }
}
