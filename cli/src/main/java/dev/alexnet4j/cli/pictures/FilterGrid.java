package dev.alexnet4j.cli.pictures;

import dev.alexnet4j.api.checkpoint.NpyArray;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * First-layer kernels as a grid of colour tiles, as the paper's Figure 3 shows conv1's 96 kernels
 * of 11 x 11 x 3. Each kernel is normalised to its own range (its minimum black, its maximum full
 * intensity), since kernels differ in scale and one shared range would leave most of them grey.
 * When the network was trained split over two towers, the first half of the kernels (tower 1) is
 * drawn above the second half (tower 2), with a wider gap between them: the paper's GPU 1 and GPU
 * 2.
 */
public final class FilterGrid {
  static final int GAP = 2;
  static final int TOWER_GAP = 10;

  private FilterGrid() {}

  /**
   * Where each kernel goes.
   *
   * @param kernels the number of kernels
   * @param towers 1, or the number of device towers the kernels are split over
   * @param columns tiles per row
   * @param tile the side of one tile in pixels
   */
  public record Layout(int kernels, int towers, int columns, int tile) {
    public Layout {
      if (kernels <= 0 || towers <= 0 || columns <= 0 || tile <= 0 || kernels % towers != 0) {
        throw new IllegalArgumentException(
            kernels
                + " kernels cannot be laid out in "
                + towers
                + " towers of "
                + columns
                + " columns");
      }
    }

    public int perTower() {
      return kernels / towers;
    }

    public int rowsPerTower() {
      return (perTower() + columns - 1) / columns;
    }

    public int width() {
      return columns * tile + (columns + 1) * GAP;
    }

    public int towerHeight() {
      return rowsPerTower() * tile + (rowsPerTower() + 1) * GAP;
    }

    public int height() {
      return towers * towerHeight() + (towers - 1) * TOWER_GAP;
    }

    /** The tower of kernel {@code k}: 0 for the first half when split in two. */
    public int tower(int k) {
      return k / perTower();
    }

    /** The top-left pixel of kernel {@code k}'s tile. */
    public int x(int k) {
      return GAP + (k % perTower() % columns) * (tile + GAP);
    }

    public int y(int k) {
      int row = k % perTower() / columns;
      return tower(k) * (towerHeight() + TOWER_GAP) + GAP + row * (tile + GAP);
    }
  }

  /** The layout for {@code weights} of shape [kernels, channels, k, k] drawn {@code scale}x. */
  public static Layout layout(NpyArray weights, int towers, int columns, int scale) {
    int[] s = requireKernels(weights);
    return new Layout(s[0], towers, Math.min(columns, s[0] / towers), s[3] * scale);
  }

  /**
   * Draws the kernels. Three input channels are drawn as RGB; any other count as the grey of the
   * channels' mean. Each kernel is normalised over what is drawn.
   */
  public static BufferedImage draw(NpyArray weights, int towers, int columns, int scale) {
    return draw(weights, towers, columns, scale, false);
  }

  /**
   * Draws the kernels; with {@code grey}, every kernel as the grey of its channels' mean. On
   * greyscale data (Fashion-MNIST repeated over three channels) only the channels' sum acts on the
   * image, so the grey picture is the kernel the network effectively applies.
   */
  public static BufferedImage draw(
      NpyArray weights, int towers, int columns, int scale, boolean grey) {
    int[] s = requireKernels(weights);
    Layout layout = layout(weights, towers, columns, scale);
    BufferedImage canvas = Pictures.canvas(layout.width(), layout.height());
    Graphics2D g = Pictures.graphics(canvas);
    if (towers > 1) {
      // A rule in the gap between towers, so the split reads at a glance.
      g.setColor(Color.GRAY);
      for (int t = 1; t < towers; t++) {
        int y = t * (layout.towerHeight() + TOWER_GAP) - TOWER_GAP / 2;
        g.fillRect(0, y, layout.width(), 1);
      }
    }
    g.dispose();
    for (int k = 0; k < s[0]; k++) {
      BufferedImage tile = kernel(weights.data(), k, s[1], s[2], s[3], grey);
      Graphics2D tg = canvas.createGraphics();
      Pictures.drawFitted(tg, tile, layout.x(k), layout.y(k), layout.tile());
      tg.dispose();
    }
    return canvas;
  }

  /** Kernel {@code k} at its own size, normalised to its own range. */
  static BufferedImage kernel(float[] w, int k, int channels, int height, int width, boolean grey) {
    int offset = k * channels * height * width;
    boolean colour = channels == 3 && !grey;
    float[][] values = new float[3][height * width];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < height * width; i++) {
        if (colour) {
          values[c][i] = w[offset + c * height * width + i];
        } else {
          for (int ch = 0; ch < channels; ch++) {
            values[c][i] += w[offset + ch * height * width + i] / channels;
          }
        }
      }
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float[] channel : values) {
      for (float v : channel) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    float range = max - min;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
          float v = values[c][y * width + x];
          // A constant kernel has no range: mid-grey rather than a division by zero.
          rgb[c] = range > 0 ? Math.round(255 * (v - min) / range) : 128;
        }
        image.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
      }
    }
    return image;
  }

  private static int[] requireKernels(NpyArray weights) {
    int[] s = weights.shape();
    if (s.length != 4) {
      throw new IllegalArgumentException(
          "convolution kernels are [kernels, channels, height, width]; got "
              + weights.shapeString());
    }
    return s;
  }
}
