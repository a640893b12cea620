package dev.alexnet4j.augment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images laid out as ImageNet's: {@code root/<class>/<file>}. Classes are the sub-folders of the
 * root in sorted order, so label {@code i} is the {@code i}-th folder name. Every regular file
 * under a class folder is an image to try (sub-folders too); names starting with '.' are ignored,
 * and so are plain files directly in the root (where the statistics cache lives). A file that does
 * not decode is skipped by the loader and counted, not dropped here: only decoding can tell.
 */
public final class ImageFolderDataset extends ImageDataset {
  private static final Logger LOG = LoggerFactory.getLogger(ImageFolderDataset.class);

  private final Path root;
  private final List<String> classNames;
  private final String[] files;
  private final int[] labels;
  private final String fingerprint;

  private ImageFolderDataset(
      Path root, List<String> classNames, String[] files, int[] labels, String fingerprint) {
    this.root = root;
    this.classNames = List.copyOf(classNames);
    this.files = files;
    this.labels = labels;
    this.fingerprint = fingerprint;
  }

  /**
   * Lists the images under {@code root}.
   *
   * @throws DatasetException if the root is missing, has no class folders, or a class folder has no
   *     files: each would otherwise surface mid-training as a missing class
   */
  public static ImageFolderDataset scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException(
          "data root "
              + root.toAbsolutePath()
              + (Files.exists(root) ? " is not a folder" : " does not exist")
              + ": expected a folder laid out as <root>/<class>/<image>");
    }
    List<String> classNames = classFolders(root);
    if (classNames.isEmpty()) {
      throw new DatasetException(
          "data root "
              + root.toAbsolutePath()
              + " has no images: it has no class folders; expected <root>/<class>/<image>,"
              + " one folder per class as ImageNet's train/n01440764/*.JPEG");
    }
    List<String> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Fingerprint digest = new Fingerprint().add("image-folder");
    for (int label = 0; label < classNames.size(); label++) {
      String name = classNames.get(label);
      List<FileEntry> entries = listFiles(root, root.resolve(name));
      if (entries.isEmpty()) {
        throw new DatasetException(
            "class folder "
                + root.resolve(name).toAbsolutePath()
                + " has no image files: every class needs at least one image;"
                + " add images or remove the folder");
      }
      digest.add(name);
      for (FileEntry e : entries) {
        files.add(e.relative);
        labels.add(label);
        digest.add(e.relative).add(e.size).add(e.modified);
      }
    }
    LOG.info("{}: {} images in {} classes", root.toAbsolutePath(), files.size(), classNames.size());
    return new ImageFolderDataset(
        root,
        classNames,
        files.toArray(new String[0]),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        digest.hex());
  }

  private static List<String> classFolders(Path root) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(child)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot list data root " + root.toAbsolutePath() + ": " + e, e);
    }
    names.sort(null);
    return names;
  }

  private record FileEntry(String relative, long size, long modified) {}

  private static List<FileEntry> listFiles(Path root, Path classFolder) {
    List<FileEntry> entries = new ArrayList<>();
    try {
      Files.walkFileTree(
          classFolder,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(classFolder) && hidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !hidden(file)) {
                // '/' whatever the platform, so the fingerprint does not depend on it.
                String relative = root.relativize(file).toString().replace('\\', '/');
                entries.add(
                    new FileEntry(relative, attrs.size(), attrs.lastModifiedTime().toMillis()));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list class folder " + classFolder.toAbsolutePath(), e);
    }
    entries.sort((a, b) -> a.relative.compareTo(b.relative));
    return entries;
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  public Path root() {
    return root;
  }

  /** Path of image {@code index}. */
  public Path file(int index) {
    return root.resolve(files[index]);
  }

  @Override
  public int size() {
    return files.length;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int label(int index) {
    return labels[index];
  }

  @Override
  public String location(int index) {
    return file(index).toString();
  }

  @Override
  public RgbImage read(int index) throws IOException {
    return ImageDecoder.decode(Files.readAllBytes(file(index)));
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public Path defaultCacheDir() {
    return root;
  }
}
