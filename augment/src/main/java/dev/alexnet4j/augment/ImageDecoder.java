package dev.alexnet4j.augment;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Encoded bytes to {@link RgbImage} through ImageIO. The format is sniffed from the content, not
 * the file name, because ImageNet has PNGs named {@code .JPEG}. TwelveMonkeys' JPEG plug-in (a
 * dependency of this module) comes before the JDK's reader and decodes the CMYK and YCCK JPEGs that
 * the JDK rejects. Greyscale becomes three equal channels; alpha is ignored. A truncated file is an
 * error, although the JPEG reader would return it with its missing part filled in. Thread-safe:
 * each call uses its own reader.
 */
public final class ImageDecoder {
  static {
    // No temp-file cache: decoding is from memory, and the cache would cost a file per image.
    ImageIO.setUseCache(false);
    // Registers plug-ins from the context class loader too, in case ImageIO was first used from
    // a thread that could not see TwelveMonkeys (as under some launchers).
    ImageIO.scanForPlugins();
  }

  private ImageDecoder() {}

  /**
   * Decodes one image.
   *
   * @throws IOException if no reader recognises the content or the reader fails (truncated or
   *     corrupt data); the message says which
   */
  public static RgbImage decode(byte[] encoded) throws IOException {
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException(
            "no image reader recognises its content ("
                + encoded.length
                + " bytes; not a JPEG or PNG?)");
      }
      ImageReader reader = readers.next();
      List<String> truncation = new ArrayList<>();
      try {
        reader.addIIOReadWarningListener(
            (source, warning) -> {
              if (isTruncation(warning)) {
                truncation.add(warning);
              }
            });
        reader.setInput(in, true, true);
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
      if (!truncation.isEmpty()) {
        throw new IOException("the data is cut short (" + String.join("; ", truncation) + ")");
      }
    }
    return toRgb(image);
  }

  /**
   * Whether a reader warning means data is missing. A truncated JPEG decodes "successfully" with
   * its missing part grey, and only these warnings tell; other warnings (such as extraneous bytes
   * before a marker, common in ImageNet) leave a complete image and are ignored.
   */
  static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(java.util.Locale.ROOT);
    return w.contains("truncated") || w.contains("premature end");
  }

  /** Converts any decoded image to interleaved 8-bit RGB. */
  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgb = new byte[3 * w * h];
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    boolean grey =
        image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
            && bands <= 2
            && image.getColorModel().getPixelSize() >= 8;
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && packedBgr(raster, w)) {
      byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0; i < rgb.length; i += 3) {
        rgb[i] = bgr[i + 2];
        rgb[i + 1] = bgr[i + 1];
        rgb[i + 2] = bgr[i];
      }
    } else if (grey) {
      // Read grey samples as they are: drawing or getRGB would convert the JDK's linear grey space
      // to sRGB and brighten the image.
      int bits = raster.getSampleModel().getSampleSize(0);
      int max = (1 << bits) - 1;
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          byte v = (byte) (bits == 8 ? row[x] : (row[x] * 255 + max / 2) / max);
          int o = 3 * (y * w + x);
          rgb[o] = v;
          rgb[o + 1] = v;
          rgb[o + 2] = v;
        }
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int p = row[x];
          int o = 3 * (y * w + x);
          rgb[o] = (byte) (p >> 16);
          rgb[o + 1] = (byte) (p >> 8);
          rgb[o + 2] = (byte) p;
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /** Whether the raster is a plain, unshared BGR byte array that can be read directly. */
  private static boolean packedBgr(Raster raster, int width) {
    if (raster.getDataBuffer().getDataType() != DataBuffer.TYPE_BYTE
        || raster.getDataBuffer().getNumBanks() != 1
        || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return false;
    }
    int[] offsets = sm.getBandOffsets();
    return sm.getPixelStride() == 3
        && sm.getScanlineStride() == 3 * width
        && offsets.length == 3
        && offsets[0] == 2
        && offsets[1] == 1
        && offsets[2] == 0
        && raster.getDataBuffer().getOffset() == 0
        && ((DataBufferByte) raster.getDataBuffer()).getData().length
            == 3 * width * raster.getHeight();
  }
}
