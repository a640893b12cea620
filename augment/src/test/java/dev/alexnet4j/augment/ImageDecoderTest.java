package dev.alexnet4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  @Test
  void cmykJpegDecodesToItsColour() throws IOException {
    byte[] red = TestImages.cmykJpeg(16, 8, 0, 255, 255, 0);
    RgbImage image = ImageDecoder.decode(red);
    assertEquals(16, image.width());
    assertEquals(8, image.height());
    int r = image.get(5, 4, 0);
    int g = image.get(5, 4, 1);
    int b = image.get(5, 4, 2);
    assertTrue(
        r > 180 && g < 90 && b < 90, "magenta + yellow ink is red, got " + r + "," + g + "," + b);
    RgbImage cyan = ImageDecoder.decode(TestImages.cmykJpeg(8, 8, 255, 0, 0, 0));
    assertTrue(cyan.get(3, 3, 0) < 90 && cyan.get(3, 3, 2) > 150, "cyan ink is cyan");
  }

  @Test
  void cmykTestFileHasFourChannelsAndTwelveMonkeysIsTheReaderUsed() throws IOException {
    // The file's raw raster has four channels: it really is CMYK, not RGB with a marker.
    byte[] cmyk = TestImages.cmykJpeg(8, 8, 0, 255, 255, 0);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(cmyk))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader first = readers.next();
      // TwelveMonkeys comes first, so its CMYK and YCCK handling (ICC profiles, inverted Adobe
      // values) is what the decoder gets, not the JDK's simpler conversion.
      assertTrue(
          first.getClass().getName().startsWith("com.twelvemonkeys"),
          "first JPEG reader is " + first.getClass().getName());
      first.setInput(in);
      assertEquals(4, first.readRaster(0, null).getNumBands());
      first.dispose();
    }
  }

  @Test
  void greyscaleBecomesThreeEqualChannelsWithoutGammaShift() throws IOException {
    BufferedImage grey = TestImages.grey(16, 16);
    RgbImage png = ImageDecoder.decode(TestImages.encode(grey, "png"));
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        int expect = (x * 16 + y * 3) & 0xff;
        assertEquals(expect, png.get(x, y, 0), "red at " + x + "," + y);
        assertEquals(expect, png.get(x, y, 1));
        assertEquals(expect, png.get(x, y, 2));
      }
    }
    RgbImage jpeg = ImageDecoder.decode(TestImages.encode(TestImages.grey(16, 16), "jpeg"));
    assertEquals(jpeg.get(7, 3, 0), jpeg.get(7, 3, 1));
    assertEquals(jpeg.get(7, 3, 0), jpeg.get(7, 3, 2));
    assertEquals((7 * 16 + 3 * 3), jpeg.get(7, 3, 0), 24, "lossy, but the same grey level");
  }

  @Test
  void sixteenBitGreyIsScaledToEightBits() throws IOException {
    BufferedImage deep = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setSample(1, 1, 0, 65535);
    deep.getRaster().setSample(2, 1, 0, 32896); // 128.5 * 256
    RgbImage image = ImageDecoder.decode(TestImages.encode(deep, "png"));
    assertEquals(255, image.get(1, 1, 0));
    assertEquals(128, image.get(2, 1, 1));
    assertEquals(0, image.get(0, 0, 2));
  }

  @Test
  void colourPngIsExact() throws IOException {
    RgbImage image =
        ImageDecoder.decode(TestImages.encode(TestImages.solid(5, 3, 0x123456), "png"));
    assertEquals(0x12, image.get(4, 2, 0));
    assertEquals(0x34, image.get(4, 2, 1));
    assertEquals(0x56, image.get(4, 2, 2));
  }

  @Test
  void truncatedJpegIsAnErrorNotAGreyFilledImage() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.photo(64, 48, 3), "jpeg");
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
    IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(cut));
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @Test
  void nonImageBytesAreAnError() {
    byte[] text = "class notes, not a picture".getBytes(StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(text));
    assertTrue(e.getMessage().contains("no image reader"), e.getMessage());
  }
}
