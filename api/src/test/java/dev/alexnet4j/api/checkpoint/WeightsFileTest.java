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

import dev.alexnet4j.api.checkpoint.WeightsMismatchException.Kind;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException.Mismatch;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights to and from {@code .npz}: names, layouts, and all-or-nothing imports. */
class WeightsFileTest {
  @TempDir Path dir;
  private final HostTensors host = new HostTensors();

  @Test
  void exportsOneArrayPerParameterWithItsLayout() throws IOException {
    Map<String, Parameter> net = host.network(1);
    Path file = dir.resolve("weights.npz");
    WeightsFile.export(host.backend, net, file);

    Map<String, NpyArray> arrays = Npz.read(file);
    assertEquals(List.copyOf(net.keySet()), List.copyOf(arrays.keySet()));
    assertArrayEquals(new int[] {4, 3, 3, 3}, arrays.get("conv1.weight").shape());
    assertArrayEquals(new int[] {4}, arrays.get("conv1.bias").shape());
    assertArrayEquals(new int[] {5, 24}, arrays.get("fc6.weight").shape());
    net.forEach((name, p) -> assertBitExact(host.values(p.value()), arrays.get(name).data(), name));
  }

  @Test
  void importsWhatWasExported() throws IOException {
    for (Npz.Compression compression : Npz.Compression.values()) {
      Map<String, Parameter> trained = host.network(1);
      host.values(trained.get("fc6.bias").value())[2] = Float.NaN;
      Path file = dir.resolve("weights-" + compression + ".npz");
      WeightsFile.export(host.backend, trained, file, compression);

      Map<String, Parameter> fresh = host.network(100);
      WeightsFile.importInto(host.backend, fresh, file);
      trained.forEach(
          (name, p) ->
              assertBitExact(host.values(p.value()), host.values(fresh.get(name).value()), name));
    }
  }

  @Test
  void listsEveryMismatchAndLoadsNothing() throws IOException {
    Map<String, Parameter> other = new LinkedHashMap<>(host.network(1));
    other.put("conv1.weight", host.parameter("conv1.weight", 1, 8, 3, 3, 3));
    other.put("fc6.weight", host.parameter("fc6.weight", 1, 5, 4, 6));
    other.remove("conv2.bias");
    other.put("fc9.weight", host.parameter("fc9.weight", 1, 2, 5));
    Path file = dir.resolve("other.npz");
    WeightsFile.export(host.backend, other, file);

    Map<String, Parameter> net = host.network(50);
    Map<String, float[]> before = new LinkedHashMap<>();
    net.forEach((name, p) -> before.put(name, host.values(p.value()).clone()));
    clearInvocations(host.backend);

    WeightsMismatchException e =
        assertThrows(
            WeightsMismatchException.class, () -> WeightsFile.importInto(host.backend, net, file));

    assertEquals(
        List.of(
            new Mismatch("parameter", "conv1.weight", Kind.SHAPE, "[4, 3, 3, 3]", "[8, 3, 3, 3]"),
            new Mismatch("parameter", "conv2.bias", Kind.MISSING, "[6]", null),
            new Mismatch("parameter", "fc6.weight", Kind.SHAPE, "[5, 24]", "[5, 4, 6]"),
            new Mismatch("parameter", "fc9.weight", Kind.UNEXPECTED, null, "[2, 5]")),
        e.mismatches());
    String m = e.getMessage();
    assertTrue(m.startsWith(file + " does not fit the network: 4 mismatches"), m);
    assertTrue(
        m.contains(
            "parameter conv1.weight: shape differs, expected [4, 3, 3, 3], found [8, 3, 3, 3]"),
        m);
    assertTrue(m.contains("parameter conv2.bias: missing from the file"), m);
    assertTrue(m.contains("parameter fc9.weight: in the file ([2, 5]) but not in the network"), m);
    assertEquals(5, m.lines().count(), m);

    verify(host.backend, never()).upload(any(float[].class), any(Tensor.class));
    net.forEach((name, p) -> assertBitExact(before.get(name), host.values(p.value()), name));
  }

  @Test
  void aBadFileLoadsNothing() throws IOException {
    Map<String, Parameter> net = host.network(1);
    Path file = dir.resolve("weights.npz");
    WeightsFile.export(host.backend, net, file);
    java.nio.file.Files.write(file, new byte[] {'P', 'K', 3, 4, 0, 0});
    clearInvocations(host.backend);
    assertThrows(FileFormatException.class, () -> WeightsFile.importInto(host.backend, net, file));
    verify(host.backend, never()).upload(any(float[].class), any(Tensor.class));
  }
}
