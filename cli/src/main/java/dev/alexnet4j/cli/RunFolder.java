package dev.alexnet4j.cli;

import dev.alexnet4j.augment.ClassIndex;
import dev.alexnet4j.augment.DatasetStatistics;
import dev.alexnet4j.augment.StatisticsCache;
import dev.alexnet4j.cli.monitor.MetricsLog;
import dev.alexnet4j.cli.monitor.TrainingCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of one training run, all in one folder: the effective config, the class index, the
 * training-set statistics, checkpoints, the metrics log and the charts.
 */
record RunFolder(Path root) {
  static final String CHECKPOINTS = "checkpoints";

  Path config() {
    return root.resolve("config.conf");
  }

  Path statistics() {
    return root.resolve("statistics.bin");
  }

  Path checkpoints() {
    return root.resolve(CHECKPOINTS);
  }

  /** Where the pictures commands (filters, similar) put their PNGs unless told otherwise. */
  Path pictures() {
    return root.resolve("pictures");
  }

  /** A folder can be made here, or is one: not an ordinary file. */
  void requireFolder(String option) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new UserError(
          option + " " + root + " is a file, not a folder: give a folder for the run's files");
    }
  }

  /**
   * Makes the folder (when new) and writes the run's config, class index and training-set
   * statistics into it. What did not exist before is remembered, so that {@link Made#undo} can
   * remove this run's files and never an earlier run's.
   */
  Made create(String config, List<String> classNames, DatasetStatistics statistics)
      throws IOException {
    List<Path> newDirectories = new ArrayList<>();
    for (Path p = root.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      newDirectories.add(p);
    }
    List<Path> newEntries = new ArrayList<>();
    for (Path p :
        List.of(
            config(),
            root.resolve(ClassIndex.FILE_NAME),
            statistics(),
            checkpoints(),
            MetricsLog.file(root),
            root.resolve(TrainingCharts.DIRECTORY))) {
      if (!Files.exists(p)) {
        newEntries.add(p);
      }
    }
    Made made = new Made(newDirectories, newEntries);
    try {
      Files.createDirectories(root);
      Files.writeString(config(), config, StandardCharsets.UTF_8);
      ClassIndex.write(root, classNames);
      StatisticsCache.save(statistics(), statistics);
    } catch (IOException | RuntimeException e) {
      made.undo();
      throw e;
    }
    return made;
  }

  /** What one run added to its folder: the folders it made and the entries that were new. */
  record Made(List<Path> newDirectories, List<Path> newEntries) {
    /** Removes what this run added (best effort); an earlier run's files stay. */
    void undo() {
      for (Path p : newEntries) {
        deleteRecursively(p);
      }
      for (Path dir : newDirectories) { // deepest first
        try {
          Files.deleteIfExists(dir);
        } catch (IOException notEmptyOrGone) {
          return;
        }
      }
    }

    private static void deleteRecursively(Path p) {
      if (!Files.exists(p)) {
        return;
      }
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      } catch (IOException ignored) {
        // Best effort: the command fails anyway, with its own message.
      }
    }
  }

  /** The run folder a checkpoint file belongs to: the parent of its checkpoints folder. */
  static RunFolder of(Path checkpoint) {
    Path dir = checkpoint.toAbsolutePath().getParent();
    if (dir.getFileName() != null && dir.getFileName().toString().equals(CHECKPOINTS)) {
      dir = dir.getParent();
    }
    return new RunFolder(dir);
  }
}
