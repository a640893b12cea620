package dev.alexnet4j.alexnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Injector;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.data.InMemoryDataSource;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.train.EvaluationReport;
import dev.alexnet4j.api.train.Evaluator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's test: softmax outputs of an image's views are averaged, then ranked. */
class EvaluatorTest {
  // A "network" whose logits are its input: the views' softmax outputs are known in advance.
  private static final String IDENTITY =
      """
      alexnet4j {
        model = id
        models.id {
          input = [3, 1, 1]
          layers = [
            { name = flat, type = flatten }
            { name = loss, type = softmax-cross-entropy }
          ]
        }
      }
      """;

  @Test
  void viewsAreAveragedAfterSoftmaxAndRanked() {
    Injector injector = Alexnet4j.createInjector(Alexnet4j.loadConfig(IDENTITY));
    // Two images of two views each: rows (logits) per view; labels repeat per view.
    float[] rows = {
      5, 0, 0, //
      0, 0, 5, // image 0: views disagree; averaged softmax ties class 0 and 2 -> lower index
      0, 3, 0, //
      0, 3, 1 // image 1: both views pick class 1
    };
    InMemoryDataSource rowSource =
        new InMemoryDataSource(
            Shape.of(3, 1, 1), rows, new int[] {2, 2, 1, 1}, List.of("a", "b", "c"), 0, false);
    DataSource data = new ViewRows(rowSource, 2);
    Backend backend = injector.getInstance(Backend.class);
    try (backend;
        Network net =
            injector
                .getInstance(NetworkParser.class)
                .parse()
                .build(backend, backend.devices().get(0), 4, 1);
        Evaluator evaluator = new Evaluator(backend, net)) {
      EvaluationReport r = evaluator.evaluate(data);
      assertEquals(2, r.images());
      assertEquals(0.5, r.top1Error(), 1e-9, "image 0 ranks class 0 first (tie), label 2");
      assertEquals(0.0, r.top5Error(), 1e-9);
      assertEquals(1, r.confusion()[2][0]);
      assertEquals(1, r.confusion()[1][1]);
      assertEquals("c", r.mostConfused(3).get(0).truth());
      assertEquals("a", r.mostConfused(3).get(0).predicted());
      double e5 = Math.exp(5);
      double p0 = 0.5 * (e5 / (e5 + 2)) + 0.5 * (1 / (e5 + 2));
      double e3 = Math.exp(3);
      double p1 = 0.5 * (e3 / (e3 + 2)) + 0.5 * (e3 / (e3 + 1 + Math.E));
      double expectedLoss = (-Math.log(p0) - Math.log(p1)) / 2;
      assertEquals(expectedLoss, r.loss(), 1e-5);
    }
  }

  @Test
  void rankBreaksTiesTowardTheLowerIndex() {
    assertArrayEquals(new int[] {1, 0, 2}, Evaluator.rank(new float[] {0.2f, 0.5f, 0.2f}, 3));
  }
}
