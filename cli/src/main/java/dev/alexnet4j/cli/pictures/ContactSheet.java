package dev.alexnet4j.cli.pictures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Rows of captioned tiles, as the paper's Figure 4 (right) shows a query image followed by the
 * training images nearest to it in fc7 space. The first tile of each row is the query; a rule
 * separates it from its neighbours.
 */
public final class ContactSheet {
  static final int GAP = 6;
  static final int QUERY_GAP = 16;
  static final int CAPTION = 30;

  private ContactSheet() {}

  /** One image with two caption lines under it (e.g. the class name and the distance). */
  public record Tile(BufferedImage image, String line1, String line2) {}

  /** Width of a sheet whose longest row has {@code columns} tiles (the query included). */
  public static int width(int columns, int tile) {
    return columns * tile + (columns - 1) * GAP + 2 * GAP + QUERY_GAP - GAP;
  }

  /** Height of a sheet of {@code rows} rows. */
  public static int height(int rows, int tile) {
    return rows * (tile + CAPTION + GAP) + GAP;
  }

  /** Draws the rows; each row is the query tile followed by its neighbours. */
  public static BufferedImage draw(List<List<Tile>> rows, int tile) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(1);
    BufferedImage canvas =
        Pictures.canvas(width(Math.max(columns, 1), tile), height(rows.size(), tile));
    Graphics2D g = Pictures.graphics(canvas);
    for (int r = 0; r < rows.size(); r++) {
      int y = GAP + r * (tile + CAPTION + GAP);
      List<Tile> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        int x = GAP + c * (tile + GAP) + (c > 0 ? QUERY_GAP - GAP : 0);
        Tile t = row.get(c);
        Pictures.drawFitted(g, t.image(), x, y, tile);
        g.setColor(Pictures.TEXT);
        int line = g.getFontMetrics().getAscent();
        g.drawString(Pictures.fit(g, t.line1(), tile), x, y + tile + line + 1);
        g.drawString(Pictures.fit(g, t.line2(), tile), x, y + tile + 2 * line + 3);
      }
      g.setColor(Color.GRAY);
      g.fillRect(GAP + tile + (QUERY_GAP - 1) / 2, y, 1, tile);
    }
    g.dispose();
    return canvas;
  }
}
