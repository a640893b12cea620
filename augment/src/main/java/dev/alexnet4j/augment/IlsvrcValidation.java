package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ILSVRC's validation set as it is distributed: one flat folder of JPEGs labelled by either
 *
 * <ul>
 *   <li>the devkit's {@value #GROUND_TRUTH} (line {@code i} is the 1-based ILSVRC id of {@code
 *       ILSVRC2012_val_<i, 8 digits>.JPEG}) with a {@link Synsets} list, or
 *   <li>Kaggle's {@value #SOLUTION_CSV} ({@code ImageId,PredictionString}, the first word of the
 *       prediction string being the synset) with {@code LOC_synset_mapping.txt}.
 * </ul>
 *
 * The label files are looked for in the folder, beside it, and in a devkit's {@code data/} folder
 * beside it. Classes are in the synset list's order. A file that is listed but missing, a label not
 * in the synset list and a synset with no image each give one line in {@link #problems()} (and the
 * log) and lose nothing else; files that are not listed are ignored, counted in one line.
 */
public final class IlsvrcValidation extends ImageDataset {
  private static final Logger LOG = LoggerFactory.getLogger(IlsvrcValidation.class);
  public static final String GROUND_TRUTH = "ILSVRC2012_validation_ground_truth.txt";
  public static final String SOLUTION_CSV = "LOC_val_solution.csv";

  private final Path folder;
  private final Synsets synsets;
  private final String[] files;
  private final int[] labels;
  private final List<String> problems;
  private final String fingerprint;

  private IlsvrcValidation(
      Path folder,
      Synsets synsets,
      String[] files,
      int[] labels,
      List<String> problems,
      String fingerprint) {
    this.folder = folder;
    this.synsets = synsets;
    this.files = files;
    this.labels = labels;
    this.problems = List.copyOf(problems);
    this.fingerprint = fingerprint;
  }

  /** Whether {@code folder} holds image files and no class folders: ILSVRC's flat val/. */
  public static boolean isFlat(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    boolean anyFile = false;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      for (Path child : children) {
        if (child.getFileName().toString().startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(child)) {
          return false;
        }
        anyFile |= isImageName(child.getFileName().toString());
      }
    } catch (IOException e) {
      return false;
    }
    return anyFile;
  }

  private static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpeg") || n.endsWith(".jpg") || n.endsWith(".png");
  }

  /** Folders searched for the label files of {@code folder}: itself, its parent, devkits there. */
  static List<Path> searchFolders(Path folder) {
    List<Path> dirs = new ArrayList<>();
    Path abs = folder.toAbsolutePath();
    dirs.add(abs);
    Path parent = abs.getParent();
    if (parent != null) {
      dirs.add(parent);
      try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, "*devkit*")) {
        for (Path d : children) {
          dirs.add(d.resolve("data"));
          dirs.add(d);
        }
      } catch (IOException e) {
        // No devkit beside it.
      }
    }
    return dirs;
  }

  /**
   * The labelled validation set of a flat folder, if its label files can be found.
   *
   * @throws DatasetException if the folder is flat but has labels without a synset list, or none
   */
  public static Optional<IlsvrcValidation> find(Path folder) {
    if (!isFlat(folder)) {
      return Optional.empty();
    }
    List<Path> dirs = searchFolders(folder);
    Optional<Path> truth = first(dirs, GROUND_TRUTH);
    Optional<Path> csv = first(dirs, SOLUTION_CSV);
    Optional<Path> synsets = Synsets.find(dirs);
    if (truth.isEmpty() && csv.isEmpty()) {
      throw new DatasetException(
          "validation folder "
              + folder.toAbsolutePath()
              + " holds images but no class folders, and no "
              + GROUND_TRUTH
              + " or "
              + SOLUTION_CSV
              + " was found in it, beside it or in a devkit's data/ folder to label them");
    }
    if (synsets.isEmpty()) {
      throw new DatasetException(
          "found "
              + (csv.isPresent() ? csv.get() : truth.get())
              + " but no synset list (one of "
              + Synsets.FILE_NAMES
              + ") beside it to give the class order");
    }
    return Optional.of(open(folder, csv.isPresent() ? csv.get() : truth.get(), synsets.get()));
  }

  private static Optional<Path> first(List<Path> dirs, String name) {
    return dirs.stream().map(d -> d.resolve(name)).filter(Files::isRegularFile).findFirst();
  }

  /**
   * Opens {@code folder} labelled by {@code labels} (a ground-truth file or the solution CSV, told
   * apart by the {@code .csv} ending) with the classes of {@code synsetList}.
   */
  public static IlsvrcValidation open(Path folder, Path labels, Path synsetList) {
    Synsets synsets = Synsets.read(synsetList);
    Map<String, String> byStem = new HashMap<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(child)) {
          byStem.put(stem(name), name);
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot list " + folder.toAbsolutePath() + ": " + e, e);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(labels, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + labels.toAbsolutePath() + ": " + e, e);
    }
    boolean csv = labels.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    // image stem -> wnid, in file-name order
    TreeMap<String, String> wanted = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty()
          || (csv && n == 0 && line.toLowerCase(Locale.ROOT).startsWith("imageid"))) {
        continue;
      }
      String where = labels.getFileName() + " line " + (n + 1);
      String image;
      String wnid;
      if (csv) {
        int comma = line.indexOf(',');
        String[] prediction =
            comma < 0 ? new String[0] : line.substring(comma + 1).strip().split("\\s+");
        if (comma < 0 || prediction.length == 0 || prediction[0].isEmpty()) {
          problems.add(where + ": not 'ImageId,PredictionString'; skipped");
          continue;
        }
        image = stem(line.substring(0, comma).strip());
        wnid = prediction[0];
      } else {
        int id;
        try {
          id = Integer.parseInt(line);
        } catch (NumberFormatException e) {
          problems.add(where + ": '" + line + "' is not an ILSVRC id; skipped");
          continue;
        }
        image = String.format(Locale.ROOT, "ILSVRC2012_val_%08d", n + 1);
        Optional<String> w = synsets.byId(id);
        if (w.isEmpty()) {
          problems.add(
              where + ": id " + id + " is not in " + synsets.file().getFileName() + "; skipped");
          continue;
        }
        wnid = w.get();
      }
      if (!synsets.contains(wnid)) {
        problems.add(
            where
                + ": synset "
                + wnid
                + " is not in "
                + synsets.file().getFileName()
                + "; skipped");
        continue;
      }
      wanted.put(image, wnid);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < synsets.wnids().size(); i++) {
      index.put(synsets.wnids().get(i), i);
    }
    List<String> files = new ArrayList<>();
    List<Integer> labelList = new ArrayList<>();
    int[] perClass = new int[synsets.wnids().size()];
    Fingerprint digest = new Fingerprint().add("ilsvrc-val").add(labels.getFileName().toString());
    synsets.wnids().forEach(digest::add);
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      String name = byStem.remove(e.getKey());
      if (name == null) {
        problems.add(
            labels.getFileName()
                + " lists "
                + e.getKey()
                + " ("
                + e.getValue()
                + ") but "
                + folder.toAbsolutePath()
                + " has no such file; skipped");
        continue;
      }
      int label = index.get(e.getValue());
      files.add(name);
      labelList.add(label);
      perClass[label]++;
      Path p = folder.resolve(name);
      digest.add(name).add(label);
      try {
        digest.add(Files.size(p)).add(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException ex) {
        digest.add(-1);
      }
    }
    for (int c = 0; c < perClass.length; c++) {
      if (perClass[c] == 0) {
        problems.add("synset " + synsets.wnids().get(c) + " has no validation image");
      }
    }
    if (!byStem.isEmpty()) {
      problems.add(
          byStem.size()
              + " files of "
              + folder.toAbsolutePath()
              + " are not in "
              + labels.getFileName()
              + " and are ignored (first: "
              + byStem.values().stream().sorted().findFirst().orElse("")
              + ")");
    }
    for (String p : problems) {
      LOG.warn("{}", p);
    }
    LOG.info(
        "{}: {} validation images of {} synsets, labelled by {}",
        folder.toAbsolutePath(),
        files.size(),
        synsets.wnids().size(),
        labels);
    return new IlsvrcValidation(
        folder,
        synsets,
        files.toArray(new String[0]),
        labelList.stream().mapToInt(Integer::intValue).toArray(),
        problems,
        digest.hex());
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** One line per problem met while labelling: missing files, unknown ids, empty synsets. */
  public List<String> problems() {
    return problems;
  }

  public Synsets synsets() {
    return synsets;
  }

  public Path folder() {
    return folder;
  }

  /** Path of image {@code index}. */
  public Path file(int index) {
    return folder.resolve(files[index]);
  }

  @Override
  public int size() {
    return files.length;
  }

  @Override
  public List<String> classNames() {
    return synsets.wnids();
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
    return folder;
  }
}
