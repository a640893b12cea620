package dev.alexnet4j.api.checkpoint;

import static dev.alexnet4j.api.checkpoint.Arrays32.array;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alexnet4j.api.checkpoint.WeightsMismatchException.Kind;
import dev.alexnet4j.api.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checkpoint value: immutability and the architecture check. */
class CheckpointTest {
  private static Map<String, Shape> alexnetLike() {
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("conv1.weight", Shape.of(4, 3, 3, 3));
    s.put("conv1.bias", Shape.of(4));
    s.put("conv2.weight", Shape.of(6, 2, 3, 3));
    s.put("conv2.bias", Shape.of(6));
    s.put("fc6.weight", Shape.of(5, 24));
    s.put("fc6.bias", Shape.of(5));
    return s;
  }

  private static Checkpoint of(Map<String, Shape> shapes) {
    Map<String, NpyArray> p = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> p.put(name, array(name.length(), shape.dims())));
    return new Checkpoint("c", 1, 10, Map.of(), p, p);
  }

  @Test
  void acceptsTheSameArchitecture() {
    of(alexnetLike()).requireCompatible(alexnetLike());
  }

  @Test
  void listsEveryDifferenceOfAnotherArchitecture() {
    Map<String, Shape> saved = new LinkedHashMap<>(alexnetLike());
    saved.put("conv1.weight", Shape.of(4, 1, 3, 3));
    saved.remove("fc6.bias");
    saved.put("fc7.weight", Shape.of(3, 5));
    saved.put("fc7.bias", Shape.of(3));
    Checkpoint checkpoint = of(saved);

    WeightsMismatchException e =
        assertThrows(
            WeightsMismatchException.class, () -> checkpoint.requireCompatible(alexnetLike()));
    assertEquals(
        List.of("conv1.weight", "fc6.bias", "fc7.weight", "fc7.bias"),
        e.mismatches().stream().map(WeightsMismatchException.Mismatch::name).toList());
    assertEquals(
        List.of(Kind.SHAPE, Kind.MISSING, Kind.UNEXPECTED, Kind.UNEXPECTED),
        e.mismatches().stream().map(WeightsMismatchException.Mismatch::kind).toList());
    String m = e.getMessage();
    assertTrue(m.contains("different architecture"), m);
    assertTrue(m.contains("4 mismatches, nothing was loaded"), m);
    assertTrue(m.contains("expected [4, 3, 3, 3], found [4, 1, 3, 3]"), m);
    assertTrue(m.contains("fc6.bias: missing from the checkpoint (expected [5])"), m);
    assertTrue(m.contains("fc7.bias: in the checkpoint ([3]) but not in the network"), m);
  }

  @Test
  void isImmutableAndKeepsOrder() {
    Map<String, String> state = new LinkedHashMap<>();
    state.put("z", "1");
    state.put("a", "2");
    Map<String, NpyArray> p = new LinkedHashMap<>();
    p.put("b", array(1, 2));
    p.put("a", array(2, 3));
    Checkpoint c = new Checkpoint("cfg", 0, 0, state, p, Map.of());
    state.put("later", "x");
    p.clear();
    assertEquals(List.of("z", "a"), List.copyOf(c.state().keySet()));
    assertEquals(List.of("b", "a"), List.copyOf(c.parameters().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> c.state().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> c.parameters().clear());

    Checkpoint more = c.withState("a", "3");
    assertEquals("2", c.state().get("a"));
    assertEquals("3", more.state().get("a"));
    assertSame(c.parameters().get("b"), more.parameters().get("b"), "arrays are shared");
  }

  @Test
  void refusesNonsense() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Checkpoint("c", -1, 0, Map.of(), Map.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Checkpoint("c", 0, -5, Map.of(), Map.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Checkpoint(null, 0, 0, Map.of(), Map.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Checkpoint("c", 0, 0, Map.of("", "x"), Map.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new NpyArray(new int[] {2, 3}, new float[5]));
    assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {-1}, new float[0]));
  }
}
