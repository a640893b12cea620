package dev.alexnet4j.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * A square patch of the {@code center-size} image: its top-left corner and whether it is mirrored.
 *
 * @param x column of the patch's left edge in the source square
 * @param y row of the patch's top edge
 * @param mirror whether the patch is reflected left to right
 */
public record CropView(int x, int y, boolean mirror) {
  /** The central patch, as used for validation and when random crops are off. */
  public static CropView center(int size, int crop) {
    return new CropView((size - crop) / 2, (size - crop) / 2, false);
  }

  /**
   * The paper's ten test patches in delivery order: centre, top-left, top-right, bottom-left,
   * bottom-right, then the same five mirrored.
   */
  public static List<CropView> ten(int size, int crop) {
    int far = size - crop;
    int mid = far / 2;
    int[][] corners = {{mid, mid}, {0, 0}, {far, 0}, {0, far}, {far, far}};
    List<CropView> views = new ArrayList<>(10);
    for (boolean mirror : new boolean[] {false, true}) {
      for (int[] c : corners) {
        views.add(new CropView(c[0], c[1], mirror));
      }
    }
    return List.copyOf(views);
  }
}
