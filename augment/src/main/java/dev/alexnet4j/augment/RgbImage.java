package dev.alexnet4j.augment;

/**
 * An 8-bit RGB image, pixels interleaved row by row ({@code r, g, b, r, g, b, ...}). Decoders
 * produce new ones; the preprocessor refills one per worker, so the pixels are mutable and an
 * instance belongs to one thread at a time.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] pixels;

  public RgbImage(int width, int height, byte[] pixels) {
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
  public static RgbImage allocate(int width, int height) {
    return new RgbImage(width, height, new byte[3 * width * height]);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The interleaved pixels, {@code 3 * width * height} bytes; read them with {@code & 0xff}. */
  public byte[] pixels() {
    return pixels;
  }

  /** Channel {@code c} (0 red, 1 green, 2 blue) at column {@code x}, row {@code y}, in 0..255. */
  public int get(int x, int y, int c) {
    return pixels[3 * (y * width + x) + c] & 0xff;
  }

  public void set(int x, int y, int c, int value) {
    pixels[3 * (y * width + x) + c] = (byte) value;
  }

  @Override
  public String toString() {
    return "RgbImage " + width + "x" + height;
  }
}
