package dev.alexnet4j.cli.pictures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Each image with its most probable classes as horizontal bars beside it, as in the paper's Figure
 * 4 (left). The bar of the most probable class is drawn darker.
 */
public final class PredictionPicture {
  static final int TILE = 160;
  static final int GAP = 10;
  static final int LABEL = 140;
  static final int BAR = 200;
  static final int PERCENT = 56;
  static final int BAR_ROW = TILE / 5;
  static final Color TOP = new Color(0x1f, 0x5f, 0xa8);
  static final Color OTHER = new Color(0x9c, 0xbc, 0xe0);

  private PredictionPicture() {}

  /** One image and its ranked classes with their probabilities, most probable first. */
  public record Row(
      BufferedImage image, String title, List<String> classes, float[] probabilities) {}

  public static int width() {
    return GAP + TILE + GAP + LABEL + BAR + PERCENT + GAP;
  }

  public static int height(int rows) {
    return rows * (TILE + 2 * GAP + 14) + GAP;
  }

  public static BufferedImage draw(List<Row> rows) {
    BufferedImage canvas = Pictures.canvas(width(), height(rows.size()));
    Graphics2D g = Pictures.graphics(canvas);
    int ascent = g.getFontMetrics().getAscent();
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      int top = GAP + r * (TILE + 2 * GAP + 14);
      g.setColor(Pictures.TEXT);
      g.drawString(Pictures.fit(g, row.title(), width() - 2 * GAP), GAP, top + ascent);
      int y = top + 14 + GAP / 2;
      Pictures.drawFitted(g, row.image(), GAP, y, TILE);
      int x = GAP + TILE + GAP;
      for (int i = 0; i < row.classes().size(); i++) {
        int barTop = y + i * BAR_ROW + 4;
        int barHeight = BAR_ROW - 8;
        float p = row.probabilities()[i];
        g.setColor(Pictures.TEXT);
        g.drawString(
            Pictures.fit(g, row.classes().get(i), LABEL - 6),
            x,
            barTop + (barHeight + ascent) / 2 - 1);
        g.setColor(new Color(0xee, 0xee, 0xee));
        g.fillRect(x + LABEL, barTop, BAR, barHeight);
        g.setColor(i == 0 ? TOP : OTHER);
        g.fillRect(x + LABEL, barTop, Math.round(BAR * Math.max(0, Math.min(1, p))), barHeight);
        g.setColor(Pictures.TEXT);
        g.drawString(
            String.format(Locale.ROOT, "%.1f%%", 100 * p),
            x + LABEL + BAR + 6,
            barTop + (barHeight + ascent) / 2 - 1);
      }
    }
    g.dispose();
    return canvas;
  }
}
