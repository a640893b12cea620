package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Labelled images that can be decoded one at a time, in a fixed order (index 0 to {@code size() -
 * 1}). Implementations are safe for concurrent {@link #read} calls from the loader's workers.
 */
public abstract class ImageDataset {
  private final UnreadableFiles unreadable = new UnreadableFiles();

  /** Number of images. */
  public abstract int size();

  /** Class names in label order. */
  public abstract List<String> classNames();

  /** Label of image {@code index}, in {@code [0, classNames().size())}. */
  public abstract int label(int index);

  /** Where image {@code index} comes from, for messages: a file path, or file and record. */
  public abstract String location(int index);

  /**
   * Decodes image {@code index} at its stored size.
   *
   * @throws IOException if it cannot be read or decoded
   */
  public abstract RgbImage read(int index) throws IOException;

  /**
   * A digest of the data as it is on disk (file names, sizes, modification times): it changes when
   * the data does, so cached statistics know when they are stale.
   */
  public abstract String fingerprint();

  /** Folder for cached statistics when {@code statistics.cache-dir} is empty: beside the data. */
  public abstract Path defaultCacheDir();

  /** The images that failed to decode so far; shared by every loader over this data set. */
  public final UnreadableFiles unreadable() {
    return unreadable;
  }
}
