package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Arbitrary image files, such as those given to {@code predict}, with no labels: every image
 * reports label 0 of the given class names.
 */
public final class ImageListDataset extends ImageDataset {
  private final List<Path> files;
  private final List<String> classNames;

  public ImageListDataset(List<Path> files, List<String> classNames) {
    if (files.isEmpty()) {
      throw new DatasetException("no image files were given");
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetException("image file " + f.toAbsolutePath() + " does not exist");
      }
    }
    this.files = List.copyOf(files);
    this.classNames = List.copyOf(classNames);
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int label(int index) {
    return 0;
  }

  @Override
  public String location(int index) {
    return files.get(index).toString();
  }

  @Override
  public RgbImage read(int index) throws IOException {
    return ImageDecoder.decode(Files.readAllBytes(files.get(index)));
  }

  @Override
  public String fingerprint() {
    Fingerprint f = new Fingerprint().add("list");
    files.forEach(p -> f.add(p.toAbsolutePath().toString()));
    return f.hex();
  }

  @Override
  public Path defaultCacheDir() {
    return files.get(0).toAbsolutePath().getParent();
  }
}
