package dev.alexnet4j.alexnet.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Injector;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.checkpoint.Npz;
import dev.alexnet4j.api.checkpoint.WeightsFile;
import dev.alexnet4j.api.checkpoint.WeightsMismatchException;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights files hold the whole tensors whatever the split (issue 5, item 2): a file written on two
 * devices loads on one and the other way round, and both write the same arrays in the same order
 * (the files differ only in the zip entries' time stamps).
 */
class SplitWeightsFileTest {
  @TempDir Path dir;

  @Test
  void aFileWrittenOnTwoDevicesLoadsOnOneAndBack() throws Exception {
    Injector injector = SplitFixture.injector(SplitFixture.config("alexnet-small", ""));
    NetworkSpec spec = SplitFixture.spec(injector);
    try (Backend backend = SplitFixture.backend(injector)) {
      List<Device> devices = backend.devices().subList(0, 2);
      try (ModelParallelNetwork split =
              ModelParallelNetwork.build(spec, backend, devices, 2, 11, StageObserver.NONE);
          Network single = spec.build(backend, devices.get(0), 2, 99)) {
        Path fromSplit = dir.resolve("split.npz");
        split.exportWeights(fromSplit);
        WeightsFile.importInto(backend, single.parameters(), fromSplit);
        Path fromSingle = dir.resolve("single.npz");
        WeightsFile.export(backend, single.parameters(), fromSingle);
        assertSameArrays(fromSplit, fromSingle);

        try (Network other = spec.build(backend, devices.get(0), 2, 5)) {
          Path fromOther = dir.resolve("other.npz");
          WeightsFile.export(backend, other.parameters(), fromOther);
          split.importWeights(fromOther);
          Path back = dir.resolve("back.npz");
          split.exportWeights(back);
          assertSameArrays(fromOther, back);
        }
      }
      try (Network tiny =
              SplitFixture.spec(
                      SplitFixture.injector(
                          SplitFixture.config(
                              "t",
                              "alexnet4j.models.t { input = [1, 2, 2], layers = [{ name = fc, type"
                                  + " = dense, units = 2 }] }")))
                  .build(backend, devices.get(0), 1, 1);
          ModelParallelNetwork split =
              ModelParallelNetwork.build(spec, backend, devices, 2, 11, StageObserver.NONE)) {
        Path wrong = dir.resolve("wrong.npz");
        WeightsFile.export(backend, tiny.parameters(), wrong);
        assertThrows(WeightsMismatchException.class, () -> split.importWeights(wrong));
      }
    }
  }

  private static void assertSameArrays(Path expected, Path actual) throws Exception {
    Map<String, NpyArray> e = Npz.read(expected);
    Map<String, NpyArray> a = Npz.read(actual);
    assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), "names, in order");
    for (String name : e.keySet()) {
      assertArrayEquals(e.get(name).shape(), a.get(name).shape(), name);
      assertArrayEquals(e.get(name).data(), a.get(name).data(), name);
    }
  }
}
