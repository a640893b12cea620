package dev.alexnet4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * relu-vs-tanh end to end on the ND4J backend: a tiny image folder made here, 1 epoch, 2 seeds,
 * every run trained in this process, then the three output files.
 */
class ExperimentEndToEndTest {
  @TempDir Path dir;

  /**
   * root/train/{blue,red}/*.png (16 each) and root/val/{blue,red}/*.png (8 each): 12x12 images,
   * reddish or bluish with noise.
   */
  static Path imageFolders(Path root) throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    for (String split : List.of("train", "val")) {
      int count = split.equals("train") ? 16 : 8;
      for (String cls : List.of("blue", "red")) {
        Path folder = Files.createDirectories(root.resolve(split).resolve(cls));
        for (int i = 0; i < count; i++) {
          BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
              int noise = random.nextInt(60);
              Color c =
                  cls.equals("red")
                      ? new Color(180 + noise, 40 + noise, 40)
                      : new Color(40, 40 + noise, 180 + noise);
              image.setRGB(x, y, c.getRGB());
            }
          }
          ImageIO.write(image, "png", folder.resolve(cls + i + ".png").toFile());
        }
      }
    }
    return root;
  }

  @Test
  void reluVsTanhOnATinyFolderWritesTheThreeFiles() throws IOException {
    Path data = imageFolders(dir.resolve("data"));
    Path out = dir.resolve("out");
    ExperimentOptions options =
        new ExperimentOptions(
            data,
            1,
            2,
            ExperimentOptions.DEFAULT_TRAIN_IMAGES,
            ExperimentOptions.DEFAULT_VALIDATION_IMAGES,
            out,
            ConfigFactory.parseString("alexnet4j.train.batch = 8\nalexnet4j.augment.workers = 1"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ExperimentResult result;
    try (PrintStream stream = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      result = new ExperimentRunner(stream, false).run(Experiments.RELU_VS_TANH, options);
    }
    List<Path> files = Results.writeAll(result, out);
    for (Path f : files) {
      assertTrue(Files.size(f) > 0, f.toString());
    }
    String progress = console.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("relu-vs-tanh: relu vs tanh, 2 seeds x 1 epochs"), progress);
    assertTrue(progress.contains("relu-vs-tanh"), progress);

    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertEquals(1, json.get("epochs").asInt());
    assertEquals(2, json.get("seeds").size());
    assertEquals(2, json.at("/data/classes").asInt());
    assertEquals(32, json.at("/data/trainImages").asInt());
    assertEquals(16, json.at("/data/validationImages").asInt());
    List<String> arms = List.of("relu", "tanh");
    for (int a = 0; a < 2; a++) {
      JsonNode arm = json.get("arms").get(a);
      assertEquals(arms.get(a), arm.get("name").asText());
      assertEquals(2, arm.get("runs").size());
      for (int s = 0; s < 2; s++) {
        JsonNode run = arm.get("runs").get(s);
        assertEquals(json.get("seeds").get(s).asLong(), run.get("seed").asLong());
        assertEquals(1, run.get("epochs").size());
        // 32 images in batches of 8: 4 steps, one curve point each
        assertEquals(4, run.get("curve").size());
        double top1 = run.at("/epochs/0/validationTop1").asDouble();
        assertTrue(top1 >= 0 && top1 <= 1, run.toString());
      }
    }
    // The two seeds differ, and the arms share them.
    assertTrue(json.get("seeds").get(0).asLong() != json.get("seeds").get(1).asLong());
    assertEquals(3, json.get("rows").size());

    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| measure | `relu` (mean [min, max] over 2 seeds) | `tanh` |"), md);
    assertTrue(md.contains("| epochs of training to 25% training error |"), md);
    assertTrue(md.contains("This data vs ImageNet:"), md);
    // What each arm trained, with the tanh layers from the listed module.
    String tanh = Files.readString(out.resolve("configs/tanh.conf"));
    assertTrue(tanh.contains(TanhModule.class.getName()), tanh);
    assertTrue(tanh.contains("tanh1"), tanh);
  }

  @Test
  void dataWithoutAValidationPartIsOneLine() throws IOException {
    Path data = imageFolders(dir.resolve("data"));
    for (Path p :
        Files.walk(data.resolve("val")).sorted(java.util.Comparator.reverseOrder()).toList()) {
      Files.delete(p);
    }
    ExperimentOptions options = ExperimentOptions.defaults(data, dir.resolve("out"));
    ExperimentException e =
        assertThrows(
            ExperimentException.class,
            () ->
                new ExperimentRunner(new PrintStream(new ByteArrayOutputStream()), false)
                    .run(Experiments.LRN, options));
    assertTrue(e.getMessage().contains("no validation part"), e.getMessage());
  }
}
