package dev.alexnet4j.cli.pictures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alexnet4j.api.checkpoint.NpyArray;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each picture decodes from its PNG with the size and the pixels its layout promises. */
class PicturesTest {
  @TempDir Path dir;

  private BufferedImage roundTrip(BufferedImage image, String name) throws IOException {
    Path file = dir.resolve(name);
    Pictures.writePng(image, file);
    return ImageIO.read(file.toFile());
  }

  private static BufferedImage solid(Color c, int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, c.getRGB());
      }
    }
    return image;
  }

  @Test
  void filterGridSplitsTheKernelsIntoTowers() throws IOException {
    // 8 kernels of 3 x 2 x 2: kernel k has value k*4+i at position i of every channel, except
    // kernel 5, which is pure red (red channel 1, others 0).
    float[] w = new float[8 * 3 * 4];
    for (int k = 0; k < 8; k++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 4; i++) {
          w[(k * 3 + c) * 4 + i] = k == 5 ? (c == 0 ? 1 : 0) : k * 4 + i;
        }
      }
    }
    NpyArray weights = new NpyArray(new int[] {8, 3, 2, 2}, w);
    FilterGrid.Layout layout = FilterGrid.layout(weights, 2, 3, 5);
    assertEquals(4, layout.perTower());
    assertEquals(2, layout.rowsPerTower(), "4 kernels per tower in rows of 3");
    assertEquals(10, layout.tile());
    assertEquals(3 * 10 + 4 * FilterGrid.GAP, layout.width());
    assertEquals(2 * (2 * 10 + 3 * FilterGrid.GAP) + FilterGrid.TOWER_GAP, layout.height());
    // Kernel 5 is the second of tower 2: first row, second column of the lower block.
    assertEquals(1, layout.tower(5));
    assertEquals(FilterGrid.GAP + 10 + FilterGrid.GAP, layout.x(5));
    assertEquals(layout.towerHeight() + FilterGrid.TOWER_GAP + FilterGrid.GAP, layout.y(5));
    // Kernel 3 is the fourth of tower 1: second row, first column.
    assertEquals(FilterGrid.GAP, layout.x(3));
    assertEquals(FilterGrid.GAP + 10 + FilterGrid.GAP, layout.y(3));

    BufferedImage png = roundTrip(FilterGrid.draw(weights, 2, 3, 5), "filters.png");
    assertEquals(layout.width(), png.getWidth());
    assertEquals(layout.height(), png.getHeight());
    assertEquals(Color.RED.getRGB(), png.getRGB(layout.x(5) + 5, layout.y(5) + 5));
    // Kernel 3 normalised to its own range: its first value (the minimum) black, its last white.
    assertEquals(Color.BLACK.getRGB(), png.getRGB(layout.x(3) + 1, layout.y(3) + 1));
    assertEquals(Color.WHITE.getRGB(), png.getRGB(layout.x(3) + 8, layout.y(3) + 8));
  }

  @Test
  void greyDrawsTheMeanOfTheChannels() {
    // One 1 x 2 kernel: red [0, 3], green and blue [0, 0]; the channels' mean is [0, 1].
    float[] w = {0, 3, 0, 0, 0, 0};
    BufferedImage colour = FilterGrid.kernel(w, 0, 3, 1, 2, false);
    assertEquals(Color.BLACK.getRGB(), colour.getRGB(0, 0));
    assertEquals(Color.RED.getRGB(), colour.getRGB(1, 0));
    BufferedImage grey = FilterGrid.kernel(w, 0, 3, 1, 2, true);
    assertEquals(Color.BLACK.getRGB(), grey.getRGB(0, 0));
    assertEquals(Color.WHITE.getRGB(), grey.getRGB(1, 0));
  }

  @Test
  void oneTowerIsOneBlock() {
    NpyArray weights = new NpyArray(new int[] {96, 3, 11, 11}, new float[96 * 3 * 121]);
    FilterGrid.Layout layout = FilterGrid.layout(weights, 1, 16, 4);
    assertEquals(6, layout.rowsPerTower(), "96 kernels in rows of 16");
    assertEquals(6 * 44 + 7 * FilterGrid.GAP, layout.height());
  }

  @Test
  void contactSheetHasARowPerQuery() throws IOException {
    ContactSheet.Tile query = new ContactSheet.Tile(solid(Color.RED, 10, 10), "query", "q.png");
    ContactSheet.Tile near = new ContactSheet.Tile(solid(Color.BLUE, 30, 20), "blue", "d = 1.00");
    List<List<ContactSheet.Tile>> rows =
        List.of(List.of(query, near, near, near), List.of(query, near, near, near));
    BufferedImage png = roundTrip(ContactSheet.draw(rows, 40), "sheet.png");
    assertEquals(ContactSheet.width(4, 40), png.getWidth());
    assertEquals(ContactSheet.height(2, 40), png.getHeight());
    int g = ContactSheet.GAP;
    assertEquals(Color.RED.getRGB(), png.getRGB(g + 20, g + 20), "the query, enlarged");
    int secondRowNeighbour = g + 40 + ContactSheet.QUERY_GAP + 20;
    int secondRowTop = g + 40 + ContactSheet.CAPTION + g;
    assertEquals(Color.BLUE.getRGB(), png.getRGB(secondRowNeighbour, secondRowTop + 20));
  }

  @Test
  void predictionPictureHasTheImageAndItsBars() throws IOException {
    PredictionPicture.Row row =
        new PredictionPicture.Row(
            solid(Color.GREEN, 20, 20),
            "x.png",
            List.of("a", "b", "c", "d", "e"),
            new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.1f});
    BufferedImage png = roundTrip(PredictionPicture.draw(List.of(row, row)), "predict.png");
    assertEquals(PredictionPicture.width(), png.getWidth());
    assertEquals(PredictionPicture.height(2), png.getHeight());
    int barX = 2 * PredictionPicture.GAP + PredictionPicture.TILE + PredictionPicture.LABEL;
    int firstBarY =
        PredictionPicture.GAP + 14 + PredictionPicture.GAP / 2 + PredictionPicture.BAR_ROW / 2;
    // Half of the top bar is filled with the darker colour; past the half it is the track.
    assertEquals(
        PredictionPicture.TOP.getRGB(),
        png.getRGB(barX + PredictionPicture.BAR / 2 - 2, firstBarY));
    assertEquals(
        new Color(0xee, 0xee, 0xee).getRGB(),
        png.getRGB(barX + PredictionPicture.BAR / 2 + 2, firstBarY));
  }
}
