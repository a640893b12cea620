package dev.alexnet4j.augment;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Images written in the tests with ImageIO. */
final class TestImages {
  private TestImages() {}

  /** A colourful image with a gradient and noise: compresses like a photo, not like a flat fill. */
  static BufferedImage photo(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    int base = random.nextInt(0xffffff);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = ((base >> 16 & 0xff) + x * 255 / width + random.nextInt(32)) & 0xff;
        int g = ((base >> 8 & 0xff) + y * 255 / height + random.nextInt(32)) & 0xff;
        int b = ((base & 0xff) + (x + y) * 128 / (width + height) + random.nextInt(32)) & 0xff;
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  static BufferedImage solid(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no ImageIO writer for " + format);
    }
    return out.toByteArray();
  }

  static Path write(Path file, BufferedImage image, String format) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, encode(image, format));
    return file;
  }

  /**
   * An Adobe CMYK JPEG (as Photoshop writes them, and as some ImageNet files are) filled with one
   * ink colour. ImageIO writes a 4-band raster as a JPEG without a colour marker; inserting the
   * Adobe APP14 segment with transform 0 right after SOI declares the four channels CMYK. Adobe
   * stores inverted ink values, hence 255 - ink.
   */
  static byte[] cmykJpeg(int width, int height, int c, int m, int y, int k) throws IOException {
    WritableRaster raster =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    int[] stored = {255 - c, 255 - m, 255 - y, 255 - k};
    for (int row = 0; row < height; row++) {
      for (int col = 0; col < width; col++) {
        raster.setPixel(col, row, stored);
      }
    }
    ImageWriter writer = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter candidate = it.next();
      if (candidate.canWriteRasters()) {
        writer = candidate;
        break;
      }
    }
    if (writer == null) {
      throw new IOException("no JPEG writer can write rasters");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } finally {
      writer.dispose();
    }
    byte[] plain = bytes.toByteArray();
    byte[] app14 = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    byte[] jpeg = new byte[plain.length + app14.length];
    System.arraycopy(plain, 0, jpeg, 0, 2); // SOI
    System.arraycopy(app14, 0, jpeg, 2, app14.length);
    System.arraycopy(plain, 2, jpeg, 2 + app14.length, plain.length - 2);
    return jpeg;
  }

  /** A greyscale image whose value at (x, y) is {@code (x * 16 + y * 3) & 0xff}. */
  static BufferedImage grey(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setSample(x, y, 0, (x * 16 + y * 3) & 0xff);
      }
    }
    return image;
  }

  /** {@link #positions} stored planar, as the preprocessor delivers it. */
  static PlanarImage planarPositions(int size) {
    return PlanarImage.of(positions(size));
  }

  /** A square RgbImage whose red is x, green is y, blue is 100 + c, to check positions exactly. */
  static RgbImage positions(int size) {
    RgbImage image = RgbImage.allocate(size, size);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.set(x, y, 0, x);
        image.set(x, y, 1, y);
        image.set(x, y, 2, 100 + x + y);
      }
    }
    return image;
  }
}
