package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An in-memory data set whose image {@code i} is a flat square of value {@code i} (so a batch row
 * tells which image it came from) with label {@code i % 3}.
 */
class FlatDataset extends ImageDataset {
  private final int size;
  private final int side;

  FlatDataset(int size, int side) {
    if (size > 256) {
      throw new IllegalArgumentException("image values are bytes: at most 256 images");
    }
    this.size = size;
    this.side = side;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<String> classNames() {
    return List.of("a", "b", "c");
  }

  @Override
  public int label(int index) {
    return index % 3;
  }

  @Override
  public String location(int index) {
    return "flat image " + index;
  }

  @Override
  public RgbImage read(int index) throws IOException {
    RgbImage image = RgbImage.allocate(side, side);
    Arrays.fill(image.pixels(), (byte) index);
    return image;
  }

  @Override
  public String fingerprint() {
    return "flat-" + size + "-" + side;
  }

  @Override
  public Path defaultCacheDir() {
    return Path.of(".");
  }
}
