package dev.alexnet4j.experiments;

import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A fixed part of a data set: {@code count} images spread evenly over it (indices {@code floor(i *
 * size / count)}), the same for every arm and seed of an experiment. Fashion-MNIST's files are in
 * no class order, so an even spread keeps the classes balanced; an image folder is sorted by class,
 * and an even spread takes the same share of each class. Statistics are cached in a folder of the
 * caller's choosing (the experiment's output), never beside the data.
 */
final class SubsetDataset extends ImageDataset {
  private final ImageDataset whole;
  private final int[] indices;
  private final Path cacheDir;

  private SubsetDataset(ImageDataset whole, int[] indices, Path cacheDir) {
    this.whole = whole;
    this.indices = indices;
    this.cacheDir = cacheDir;
  }

  /**
   * {@code count} images of {@code whole} spread evenly, or all of them when it has no more.
   *
   * @param cacheDir where cached statistics of the subset go
   */
  static SubsetDataset evenly(ImageDataset whole, int count, Path cacheDir) {
    if (count <= 0) {
      throw new IllegalArgumentException("a subset needs at least one image, got " + count);
    }
    int size = whole.size();
    int n = Math.min(count, size);
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = (int) ((long) i * size / n);
    }
    return new SubsetDataset(whole, indices, cacheDir);
  }

  /** Images of the data set this subset was taken from. */
  int wholeSize() {
    return whole.size();
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public List<String> classNames() {
    return whole.classNames();
  }

  @Override
  public int label(int index) {
    return whole.label(indices[index]);
  }

  @Override
  public String location(int index) {
    return whole.location(indices[index]);
  }

  @Override
  public RgbImage read(int index) throws IOException {
    return whole.read(indices[index]);
  }

  @Override
  public String fingerprint() {
    return whole.fingerprint() + "-evenly-" + indices.length + "-of-" + whole.size();
  }

  @Override
  public Path defaultCacheDir() {
    return cacheDir;
  }
}
