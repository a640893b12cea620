package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.augment.DatasetException;
import dev.alexnet4j.augment.Synsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * Synset words for display ("n01440764 tench, Tinca tinca") when a synset list ({@link
 * Synsets#FILE_NAMES}: LOC_synset_mapping.txt, synset_words.txt, ...) lies beside the weights, in
 * their run folder, or in or beside the data root; names stay as they are otherwise.
 */
final class ClassWords {
  private static final String DATA_ROOT = "alexnet4j.augment.data.root";

  private ClassWords() {}

  /** Where a synset list is looked for, first match wins. */
  static List<Path> folders(Path weights, Config config) {
    List<Path> dirs = new ArrayList<>();
    if (weights != null) {
      Path dir = weights.toAbsolutePath().getParent();
      dirs.add(dir);
      if (dir != null) {
        dirs.add(dir.getParent());
      }
    }
    if (config != null && config.hasPath(DATA_ROOT) && !config.getString(DATA_ROOT).isBlank()) {
      Path root = Path.of(config.getString(DATA_ROOT)).toAbsolutePath();
      dirs.add(root);
      dirs.add(root.getParent());
    }
    return dirs;
  }

  /** Maps a class name to its display form; the identity when no synset list is found. */
  static UnaryOperator<String> describer(List<Path> folders) {
    Optional<Path> file = Synsets.find(folders);
    if (file.isEmpty()) {
      return UnaryOperator.identity();
    }
    try {
      Synsets synsets = Synsets.read(file.get());
      return synsets::describe;
    } catch (DatasetException e) {
      LoggerFactory.getLogger(ClassWords.class)
          .warn("class names without words: {}", e.getMessage());
      return UnaryOperator.identity();
    }
  }

  static List<String> describe(List<String> names, List<Path> folders) {
    UnaryOperator<String> d = describer(folders);
    return names.stream().map(d).toList();
  }
}
