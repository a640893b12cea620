package dev.alexnet4j.cli.pictures;

import dev.alexnet4j.augment.RgbImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What the pictures share: converting decoded images, fitting them into tiles, writing PNGs. */
public final class Pictures {
  static final Color BACKGROUND = Color.WHITE;
  static final Color TEXT = new Color(0x20, 0x20, 0x20);
  static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private Pictures() {}

  /** A decoded image as an AWT image. */
  public static BufferedImage toImage(RgbImage rgb) {
    BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < rgb.height(); y++) {
      for (int x = 0; x < rgb.width(); x++) {
        image.setRGB(x, y, (rgb.get(x, y, 0) << 16) | (rgb.get(x, y, 1) << 8) | rgb.get(x, y, 2));
      }
    }
    return image;
  }

  /** A white canvas with antialiased text. */
  static BufferedImage canvas(int width, int height) {
    return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
  }

  static Graphics2D graphics(BufferedImage canvas) {
    Graphics2D g = canvas.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(FONT);
    g.setColor(TEXT);
    return g;
  }

  /**
   * Draws {@code image} centred in a {@code size} x {@code size} square at (x, y), keeping its
   * aspect. Small images (Fashion-MNIST's 28 x 28) are enlarged with nearest-neighbour so their
   * pixels stay sharp; large ones are reduced with bilinear filtering.
   */
  static void drawFitted(Graphics2D g, BufferedImage image, int x, int y, int size) {
    double scale = Math.min((double) size / image.getWidth(), (double) size / image.getHeight());
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION,
        scale >= 1
            ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
            : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, x + (size - w) / 2, y + (size - h) / 2, w, h, null);
  }

  /** {@code text} cut to fit {@code width} pixels, with an ellipsis where it was cut. */
  static String fit(Graphics2D g, String text, int width) {
    if (g.getFontMetrics().stringWidth(text) <= width) {
      return text;
    }
    String s = text;
    while (!s.isEmpty() && g.getFontMetrics().stringWidth("…" + s) > width) {
      s = s.substring(1);
    }
    // Cut at the front: of a path, the file name at the end is what tells images apart.
    return "…" + s;
  }

  /** Writes a PNG, creating the folder. */
  public static void writePng(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Through a stream of nio's: a path that cannot be written fails with its own reason (a
    // folder, no permission), not ImageIO's "Can't create an ImageOutputStream!".
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer in this Java runtime for " + file);
      }
    }
  }
}
