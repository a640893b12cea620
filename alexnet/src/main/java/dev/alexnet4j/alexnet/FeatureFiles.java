package dev.alexnet4j.alexnet;

import dev.alexnet4j.api.checkpoint.FileFormatException;
import dev.alexnet4j.api.checkpoint.Npy;
import dev.alexnet4j.api.checkpoint.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Features on disk: {@code NAME.npy}, an N x D float32 array NumPy loads as is, and beside it
 * {@code NAME.tsv}, one line per row: {@code index, path, label, class} under a header line, so a
 * row can be traced back to its image without this library.
 */
public final class FeatureFiles {
  static final String HEADER = "index\tpath\tlabel\tclass";

  private FeatureFiles() {}

  /** Features with the location of each row's image and the class names of the labels. */
  public record Saved(FeatureMatrix features, List<String> paths, List<String> classNames) {}

  /** The index file that belongs to {@code npy}: the same name ending in {@code .tsv}. */
  public static Path indexOf(Path npy) {
    String name = npy.getFileName().toString();
    String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    return npy.resolveSibling(stem + ".tsv");
  }

  /** Writes both files, each atomically. */
  public static void write(Path npy, Saved saved) throws IOException {
    FeatureMatrix f = saved.features();
    if (saved.paths().size() != f.rows()) {
      throw new IllegalArgumentException(saved.paths().size() + " paths for " + f.rows() + " rows");
    }
    Path parent = npy.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Npy.write(npy, f.toNpy());
    StringBuilder tsv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < f.rows(); i++) {
      int label = f.labels()[i];
      tsv.append(i)
          .append('\t')
          .append(escape(saved.paths().get(i)))
          .append('\t')
          .append(label)
          .append('\t')
          .append(escape(label >= 0 ? saved.classNames().get(label) : ""))
          .append('\n');
    }
    byte[] bytes = tsv.toString().getBytes(StandardCharsets.UTF_8);
    // Written beside the target and renamed, so a reader never sees half an index.
    Path index = indexOf(npy).toAbsolutePath();
    Path temp = Files.createTempFile(index.getParent(), index.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Reads what {@link #write} wrote; class names are those the index mentions, by label. */
  public static Saved read(Path npy) throws IOException {
    NpyArray array = Npy.read(npy);
    int[] shape = array.shape();
    if (shape.length != 2) {
      throw new FileFormatException(
          npy.toString(), "features are N x D; this array has shape " + array.shapeString());
    }
    Path index = indexOf(npy);
    List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(HEADER) || lines.size() - 1 != shape[0]) {
      throw new FileFormatException(
          index.toString(),
          "expected the header '"
              + HEADER.replace("\t", "\\t")
              + "' and "
              + shape[0]
              + " rows to match "
              + npy.getFileName()
              + "; write both again");
    }
    int[] labels = new int[shape[0]];
    List<String> paths = new ArrayList<>(shape[0]);
    List<String> classNames = new ArrayList<>();
    for (int i = 0; i < shape[0]; i++) {
      String[] cells = lines.get(i + 1).split("\t", -1);
      if (cells.length != 4) {
        throw new FileFormatException(index.toString(), "line " + (i + 2) + " has not 4 cells");
      }
      paths.add(unescape(cells[1]));
      labels[i] = Integer.parseInt(cells[2]);
      while (labels[i] >= 0 && classNames.size() <= labels[i]) {
        classNames.add("");
      }
      if (labels[i] >= 0) {
        classNames.set(labels[i], unescape(cells[3]));
      }
    }
    return new Saved(new FeatureMatrix(array.data(), labels, shape[1]), paths, classNames);
  }

  // A path may hold a tab or a newline; escaped so that each row stays one line of four cells.
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
