package dev.alexnet4j.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** A tiny image-folder data set and a tiny model config, made in the test, and a CLI runner. */
final class CliFixture {
  /** What one command line printed and returned. */
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * root/train/{red,blue}/*.png and root/val/{red,blue}/*.png: 10x10 images, reddish or bluish,
   * with noise; trivially learnable.
   */
  static Path imageFolders(Path root) throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    for (String split : new String[] {"train", "val"}) {
      int count = split.equals("train") ? 24 : 8;
      for (String cls : new String[] {"blue", "red"}) {
        Path dir = Files.createDirectories(root.resolve(split).resolve(cls));
        for (int i = 0; i < count; i++) {
          BufferedImage image = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
              int noise = random.nextInt(60);
              Color c =
                  cls.equals("red")
                      ? new Color(180 + noise, 40 + noise, 40)
                      : new Color(40, 40 + noise, 180 + noise);
              image.setRGB(x, y, c.getRGB());
            }
          }
          ImageIO.write(image, "png", dir.resolve(cls + i + ".png").toFile());
        }
      }
    }
    return root;
  }

  /** A config file for a tiny convolutional model on those images. */
  static Path config(Path dir) throws IOException {
    Path file = dir.resolve("tiny.conf");
    Files.writeString(
        file,
        """
        alexnet4j {
          model = tiny
          models.tiny {
            input = [3, 8, 8]
            layers = [
              { name = conv1, type = conv, filters = 4, kernel = 3, padding = 1, weight-std = 0.1 }
              { name = relu1, type = relu }
              { name = lrn1, type = lrn }
              { name = pool1, type = maxpool }
              { name = fc2, type = dense, units = 2, weight-std = 0.1 }
              { name = loss, type = softmax-cross-entropy }
            ]
          }
          augment {
            workers = 1
            preprocess { shorter-side = 0, center-size = 10, crop-size = 8 }
            statistics.pca-pixels = 1000
          }
          train { epochs = 2, batch = 8, learning-rate = 0.01, schedule = constant }
        }
        """);
    return file;
  }

  private CliFixture() {}
}
