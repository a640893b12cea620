package dev.alexnet4j.augment;

/**
 * Writes one patch of a preprocessed square into a batch as planar floats (CHW): {@code pixel -
 * mean + offset}, mirrored if asked. The mean is taken at the pixel's source position before the
 * reflection, as Caffe does with its mean image, so a mirrored patch is exactly the reflection of
 * the unmirrored one.
 */
final class PatchWriter {
  private final int size;
  private final int crop;
  private final float[] subtrahend;

  /**
   * @param size side of the source square
   * @param crop side of the patch
   * @param subtrahend planar [3][size][size] values to subtract (see {@link
   *     DatasetStatistics#subtrahend})
   */
  PatchWriter(int size, int crop, float[] subtrahend) {
    if (subtrahend.length != 3 * size * size) {
      throw new IllegalArgumentException(
          "mean of "
              + subtrahend.length
              + " values does not fit a 3x"
              + size
              + "x"
              + size
              + " image");
    }
    this.size = size;
    this.crop = crop;
    this.subtrahend = subtrahend;
  }

  /** Floats per patch: 3 x crop x crop. */
  int patchSize() {
    return 3 * crop * crop;
  }

  /**
   * @param image the preprocessed square, {@code size x size}
   * @param view where to cut and whether to mirror
   * @param offset RGB values added to every pixel (fancy PCA), or null
   * @param dst the batch's pixels
   * @param at index in {@code dst} of the patch's first value
   */
  void write(PlanarImage image, CropView view, float[] offset, float[] dst, int at) {
    if (image.width() != size || image.height() != size) {
      throw new IllegalArgumentException(
          "expected a " + size + "x" + size + " preprocessed image, got " + image);
    }
    if (view.x() < 0 || view.y() < 0 || view.x() + crop > size || view.y() + crop > size) {
      throw new IllegalArgumentException(
          "patch " + view + " of side " + crop + " is outside the " + size + "x" + size + " image");
    }
    // Image and subtrahend share the planar [3][size][size] layout, so one index serves both.
    byte[] src = image.pixels();
    int out = at;
    for (int c = 0; c < 3; c++) {
      float add = offset == null ? 0f : offset[c];
      for (int y = 0; y < crop; y++) {
        int row = (c * size + view.y() + y) * size + view.x();
        if (view.mirror()) {
          for (int x = 0, s = row + crop - 1; x < crop; x++, s--) {
            dst[out + x] = (src[s] & 0xff) - subtrahend[s] + add;
          }
        } else {
          for (int x = 0; x < crop; x++) {
            dst[out + x] = (src[row + x] & 0xff) - subtrahend[row + x] + add;
          }
        }
        out += crop;
      }
    }
  }
}
