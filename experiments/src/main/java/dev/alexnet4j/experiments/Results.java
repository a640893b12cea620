package dev.alexnet4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The three outputs of an experiment, written together. */
public final class Results {
  private Results() {}

  /**
   * Writes {@code results.md}, {@code results.json} and {@code error.png} into {@code dir}.
   *
   * @return the files, in that order
   */
  public static List<Path> writeAll(ExperimentResult r, Path dir) throws IOException {
    return List.of(
        ResultsMarkdown.write(r, dir), ResultsJson.write(r, dir), ErrorChart.write(r, dir));
  }
}
