package dev.alexnet4j.augment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Images and labels from a pair of IDX files (MNIST, Fashion-MNIST; plain or gzipped), held in
 * memory. Images are {@code [N, H, W]} greyscale, turned into three equal channels, or {@code [N,
 * H, W, C]} with C 1 or 3; labels are {@code [N]}.
 */
public final class IdxDataset extends ImageDataset {
  /** Fashion-MNIST's classes in label order, as its authors list them. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private final Path imagesFile;
  private final IdxFile images;
  private final byte[] labels;
  private final List<String> classNames;
  private final int height;
  private final int width;
  private final int channels;
  private final String fingerprint;

  private IdxDataset(
      Path imagesFile, IdxFile images, byte[] labels, List<String> classNames, String fingerprint) {
    this.imagesFile = imagesFile;
    this.images = images;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
    this.height = images.dim(1);
    this.width = images.dim(2);
    this.channels = images.rank() == 4 ? images.dim(3) : 1;
    this.fingerprint = fingerprint;
  }

  /** Opens a pair of IDX files and names the classes by their label numbers ("0", "1", ...). */
  public static IdxDataset open(Path imagesFile, Path labelsFile) {
    return open(imagesFile, labelsFile, null);
  }

  /**
   * Opens a pair of IDX files.
   *
   * @param classNames names in label order, or null to use the label numbers
   * @throws DatasetException if a file is missing or malformed, the counts differ, or a label has
   *     no name
   */
  public static IdxDataset open(Path imagesFile, Path labelsFile, List<String> classNames) {
    IdxFile images = readIdx(imagesFile);
    IdxFile labels = readIdx(labelsFile);
    int rank = images.rank();
    if (!(rank == 3 || (rank == 4 && (images.dim(3) == 1 || images.dim(3) == 3)))) {
      throw new DatasetException(
          imagesFile.toAbsolutePath()
              + ": IDX images must be [N, H, W] or [N, H, W, C] with C 1 or 3, got "
              + Arrays.toString(images.dims()));
    }
    if (labels.rank() != 1 || labels.dim(0) != images.dim(0)) {
      throw new DatasetException(
          labelsFile.toAbsolutePath()
              + ": expected one label per image, ["
              + images.dim(0)
              + "], got "
              + Arrays.toString(labels.dims())
              + " (are the images and labels files of the same split?)");
    }
    byte[] labelBytes =
        Arrays.copyOfRange(labels.data(), labels.dataOffset(), labels.dataOffset() + labels.dim(0));
    int maxLabel = 0;
    for (byte b : labelBytes) {
      maxLabel = Math.max(maxLabel, b & 0xff);
    }
    List<String> names = classNames != null ? classNames : numbered(maxLabel + 1);
    if (maxLabel >= names.size()) {
      throw new DatasetException(
          labelsFile.toAbsolutePath()
              + ": label "
              + maxLabel
              + " has no class name; "
              + names.size()
              + " names were given: "
              + names);
    }
    Fingerprint digest = new Fingerprint().add("idx");
    for (Path p : List.of(imagesFile, labelsFile)) {
      try {
        digest
            .add(p.toAbsolutePath().toString())
            .add(Files.size(p))
            .add(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stat " + p.toAbsolutePath(), e);
      }
    }
    return new IdxDataset(imagesFile, images, labelBytes, names, digest.hex());
  }

  private static IdxFile readIdx(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException("IDX file " + file.toAbsolutePath() + " does not exist");
    }
    try {
      return IdxFile.read(file);
    } catch (IOException e) {
      throw new DatasetException("cannot read IDX file " + file.toAbsolutePath() + ": " + e, e);
    }
  }

  private static List<String> numbered(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int label(int index) {
    return labels[index] & 0xff;
  }

  @Override
  public String location(int index) {
    return imagesFile + " image " + index;
  }

  @Override
  public RgbImage read(int index) {
    int pixels = height * width;
    byte[] src = images.data();
    int from = images.dataOffset() + index * pixels * channels;
    byte[] rgb = new byte[3 * pixels];
    if (channels == 3) {
      System.arraycopy(src, from, rgb, 0, rgb.length);
    } else {
      for (int i = 0; i < pixels; i++) {
        byte v = src[from + i];
        rgb[3 * i] = v;
        rgb[3 * i + 1] = v;
        rgb[3 * i + 2] = v;
      }
    }
    return new RgbImage(width, height, rgb);
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public Path defaultCacheDir() {
    Path parent = imagesFile.toAbsolutePath().getParent();
    return parent != null ? parent : Path.of(".");
  }
}
