package dev.alexnet4j.cli;

import java.nio.file.Path;

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

  /** The run folder a checkpoint file belongs to: the parent of its checkpoints folder. */
  static RunFolder of(Path checkpoint) {
    Path dir = checkpoint.toAbsolutePath().getParent();
    if (dir.getFileName() != null && dir.getFileName().toString().equals(CHECKPOINTS)) {
      dir = dir.getParent();
    }
    return new RunFolder(dir);
  }
}
