package dev.alexnet4j.augment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An ILSVRC synset list: the class order, each synset's words, and the ILSVRC id of each synset.
 * Two line formats are read, one per file:
 *
 * <ul>
 *   <li>{@code wnid words...}, as {@code LOC_synset_mapping.txt} and Caffe's {@code
 *       synset_words.txt} (or a bare {@code synsets.txt} of wnids): the class order is the line
 *       order, and ILSVRC id {@code k} is line {@code k} (1-based);
 *   <li>{@code id wnid [words...]}, the devkit's {@code meta.mat} exported as text (its {@code
 *       ILSVRC2012_ID} and {@code WNID}): id to wnid as written, the class order by id.
 * </ul>
 *
 * The devkit's ids are not the sorted order of {@code LOC_synset_mapping.txt} (id 1 is n02119789,
 * not n01440764): read {@code ILSVRC2012_validation_ground_truth.txt} with the {@code id wnid} file
 * exported from the same devkit.
 */
public final class Synsets {
  /** File names looked for, in this order, by {@link #find}. */
  public static final List<String> FILE_NAMES =
      List.of(
          "LOC_synset_mapping.txt",
          "synset_words.txt",
          "synsets.txt",
          "ILSVRC2012_synsets.txt",
          "ILSVRC2012_mapping.txt");

  private final Path file;
  private final List<String> wnids;
  private final Map<String, String> words;
  private final Map<Integer, String> byId;

  private Synsets(
      Path file, List<String> wnids, Map<String, String> words, Map<Integer, String> byId) {
    this.file = file;
    this.wnids = List.copyOf(wnids);
    this.words = Map.copyOf(words);
    this.byId = Map.copyOf(byId);
  }

  /**
   * Reads a synset list in either format.
   *
   * @throws DatasetException naming the file and line if it is neither, or repeats a synset
   */
  public static Synsets read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read synset list " + file.toAbsolutePath() + ": " + e, e);
    }
    Map<String, String> words = new LinkedHashMap<>();
    TreeMap<Integer, String> ids = new TreeMap<>();
    Boolean numbered = null;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("[\\s,]+", 3);
      boolean thisNumbered = parts[0].chars().allMatch(Character::isDigit) && parts.length >= 2;
      if (numbered == null) {
        numbered = thisNumbered;
      } else if (numbered != thisNumbered) {
        throw bad(file, n, "mixes 'id wnid' lines with 'wnid words' lines");
      }
      String wnid = thisNumbered ? parts[1] : parts[0];
      String rest =
          thisNumbered
              ? (parts.length > 2 ? parts[2] : "")
              : line.substring(parts[0].length()).strip();
      if (!wnid.matches("[A-Za-z0-9_.-]+")) {
        throw bad(file, n, "'" + wnid + "' is not a synset id such as n01440764");
      }
      if (words.containsKey(wnid)) {
        throw bad(file, n, "synset " + wnid + " appears twice");
      }
      words.put(wnid, rest);
      if (thisNumbered) {
        int id = Integer.parseInt(parts[0]);
        if (ids.put(id, wnid) != null) {
          throw bad(file, n, "id " + id + " appears twice");
        }
      }
    }
    if (words.isEmpty()) {
      throw new DatasetException("synset list " + file.toAbsolutePath() + " lists no synsets");
    }
    List<String> order;
    if (Boolean.TRUE.equals(numbered)) {
      order = new ArrayList<>(ids.values());
    } else {
      order = new ArrayList<>(words.keySet());
      for (int i = 0; i < order.size(); i++) {
        ids.put(i + 1, order.get(i));
      }
    }
    Map<String, String> described = new HashMap<>();
    words.forEach((k, v) -> described.put(k, v));
    return new Synsets(file, order, described, ids);
  }

  private static DatasetException bad(Path file, int line, String what) {
    return new DatasetException(
        "synset list " + file.toAbsolutePath() + " line " + (line + 1) + ": " + what);
  }

  /**
   * The first synset list (by {@link #FILE_NAMES}) in the first of {@code folders} that has one.
   */
  public static Optional<Path> find(List<Path> folders) {
    for (Path folder : folders) {
      if (folder == null) {
        continue;
      }
      for (String name : FILE_NAMES) {
        Path p = folder.resolve(name);
        if (Files.isRegularFile(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  public Path file() {
    return file;
  }

  /** The synsets in class order. */
  public List<String> wnids() {
    return wnids;
  }

  /** The synset of ILSVRC id {@code id} (1-based), if listed. */
  public Optional<String> byId(int id) {
    return Optional.ofNullable(byId.get(id));
  }

  public boolean contains(String wnid) {
    return words.containsKey(wnid);
  }

  /** "n01440764 tench, Tinca tinca", or the name alone when it has no words here. */
  public String describe(String name) {
    String w = words.get(name);
    return w == null || w.isEmpty() ? name : name + " " + w;
  }

  /** {@link #describe} of each name. */
  public List<String> describeAll(List<String> names) {
    return names.stream().map(this::describe).toList();
  }
}
