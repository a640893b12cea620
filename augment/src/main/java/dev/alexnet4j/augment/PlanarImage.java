package dev.alexnet4j.augment;

/**
 * An 8-bit RGB image stored channel by channel (all red, then all green, then all blue), the layout
 * of the batches: patches are then copied row by row without gathering every third byte. The
 * preprocessor produces it; an instance is reused per worker and belongs to one thread at a time.
 */
public final class PlanarImage {
  private final int width;
  private final int height;
  private final byte[] pixels;

  public PlanarImage(int width, int height, byte[] pixels) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (pixels.length != 3 * width * height) {
      throw new IllegalArgumentException(
          width
              + "x"
              + height
              + " RGB needs "
              + 3 * width * height
              + " bytes, got "
              + pixels.length);
    }
    this.width = width;
    this.height = height;
    this.pixels = pixels;
  }

  /** A black image. */
  public static PlanarImage allocate(int width, int height) {
    return new PlanarImage(width, height, new byte[3 * width * height]);
  }

  /** A planar copy of an interleaved image. */
  public static PlanarImage of(RgbImage image) {
    PlanarImage out = allocate(image.width(), image.height());
    out.copyFrom(image);
    return out;
  }

  /** Overwrites this image with {@code image}, which must have the same size. */
  void copyFrom(RgbImage image) {
    if (image.width() != width || image.height() != height) {
      throw new IllegalArgumentException("cannot copy " + image + " into " + this);
    }
    byte[] src = image.pixels();
    int plane = width * height;
    for (int i = 0; i < plane; i++) {
      pixels[i] = src[3 * i];
      pixels[plane + i] = src[3 * i + 1];
      pixels[2 * plane + i] = src[3 * i + 2];
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The pixels, planar [3][height][width]; read them with {@code & 0xff}. */
  public byte[] pixels() {
    return pixels;
  }

  /** Channel {@code c} (0 red, 1 green, 2 blue) at column {@code x}, row {@code y}, in 0..255. */
  public int get(int x, int y, int c) {
    return pixels[(c * height + y) * width + x] & 0xff;
  }

  public void set(int x, int y, int c, int value) {
    pixels[(c * height + y) * width + x] = (byte) value;
  }

  @Override
  public String toString() {
    return "PlanarImage " + width + "x" + height;
  }
}
