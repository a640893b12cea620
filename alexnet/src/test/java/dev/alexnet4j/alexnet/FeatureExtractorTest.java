package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features of a tiny net whose weights are set here, against the hand-computed activations. */
class FeatureExtractorTest {
  // fc1 (2 -> 3) then relu1: relu1's output is relu(W x + b), computed by hand below.
  private static final String NET =
      """
      alexnet4j {
        model = tiny
        models.tiny {
          input = [2, 1, 1]
          layers = [
            { name = fc1, type = dense, units = 3 }
            { name = relu1, type = relu }
            { name = fc2, type = dense, units = 2 }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
      }
      """;
  private static final float[] W = {1, 2, -1, 0, 0.5f, -3};
  private static final float[] B = {0.5f, -1, 0};
  private static final float[] IMAGES = {1, 1, 2, -1, 0, 4};
  private static final List<String> CLASSES = List.of("a", "b");

  private static float[] expected(int image) {
    float[] out = new float[3];
    for (int u = 0; u < 3; u++) {
      float v = B[u];
      for (int i = 0; i < 2; i++) {
        v += W[u * 2 + i] * IMAGES[image * 2 + i];
      }
      out[u] = Math.max(0, v);
    }
    return out;
  }

  private interface Body {
    void run(Backend backend, Network network) throws Exception;
  }

  private static void withNet(int batch, Body body) throws Exception {
    Injector injector = Alexnet4j.createInjector(Alexnet4j.loadConfig(NET));
    Backend backend = injector.getInstance(Backend.class);
    try (backend;
        Network net =
            injector
                .getInstance(NetworkParser.class)
                .parse()
                .build(backend, backend.devices().get(0), batch, 1)) {
      backend.upload(W, net.parameters().get("fc1.weight").value());
      backend.upload(B, net.parameters().get("fc1.bias").value());
      body.run(backend, net);
    }
  }

  @Test
  void featuresAreTheNamedLayersActivationsInDataSetOrder() throws Exception {
    // Batch 2 over 3 images: the last batch is partial.
    InMemoryDataSource data =
        new InMemoryDataSource(Shape.of(2, 1, 1), IMAGES, new int[] {1, 0, 1}, CLASSES, 0, false);
    withNet(
        2,
        (backend, net) -> {
          try (FeatureExtractor extractor = new FeatureExtractor(backend, net, "relu1")) {
            assertEquals(3, extractor.dimension());
            List<Long> progress = new ArrayList<>();
            FeatureMatrix f = extractor.extractAll(data, progress::add);
            assertEquals(3, f.rows());
            for (int i = 0; i < 3; i++) {
              assertArrayEquals(expected(i), f.row(i), 1e-6f, "image " + i);
            }
            assertArrayEquals(new int[] {1, 0, 1}, f.labels());
            assertEquals(List.of(2L, 3L), progress);
          }
        });
  }

  @Test
  void viewsOfAnImageAreAveraged() throws Exception {
    // Rows 0 and 1 are two views of image 0, rows 2 and 3 of image 1.
    float[] rows = {1, 1, 2, -1, 0, 4, 0, 4};
    InMemoryDataSource views =
        new InMemoryDataSource(Shape.of(2, 1, 1), rows, new int[] {0, 0, 1, 1}, CLASSES, 0, false);
    withNet(
        4,
        (backend, net) -> {
          try (FeatureExtractor extractor = new FeatureExtractor(backend, net, "fc1")) {
            FeatureMatrix f = extractor.extractAll(new ViewRows(views, 2), n -> {});
            assertEquals(2, f.rows());
            float[] mean = new float[3];
            for (int u = 0; u < 3; u++) {
              float v0 = B[u] + W[u * 2] * 1 + W[u * 2 + 1] * 1;
              float v1 = B[u] + W[u * 2] * 2 + W[u * 2 + 1] * -1;
              mean[u] = (v0 + v1) / 2;
            }
            assertArrayEquals(mean, f.row(0), 1e-6f);
            assertArrayEquals(new int[] {0, 1}, f.labels());
          }
        });
  }

  @Test
  void unknownLayerListsTheLayers() throws Exception {
    withNet(
        1,
        (backend, net) -> {
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class, () -> new FeatureExtractor(backend, net, "fc7"));
          assertTrue(e.getMessage().contains("[fc1, relu1, fc2, loss]"), e.getMessage());
        });
  }

  @Test
  void filesRoundTripWithTheirIndex(@TempDir Path dir) throws IOException {
    FeatureMatrix f = new FeatureMatrix(new float[] {1, 2, 3, 4, 5, 6}, new int[] {1, 0}, 3);
    Path npy = dir.resolve("fc7.npy");
    FeatureFiles.write(
        npy, new FeatureFiles.Saved(f, List.of("x/b/1.png", "odd\tname.png"), CLASSES));
    assertEquals(
        List.of("index\tpath\tlabel\tclass", "0\tx/b/1.png\t1\tb", "1\todd\\tname.png\t0\ta"),
        Files.readAllLines(dir.resolve("fc7.tsv")));
    FeatureFiles.Saved back = FeatureFiles.read(npy);
    assertArrayEquals(f.values(), back.features().values());
    assertArrayEquals(f.labels(), back.features().labels());
    assertEquals(List.of("x/b/1.png", "odd\tname.png"), back.paths());
    assertEquals(CLASSES, back.classNames());
  }
}
