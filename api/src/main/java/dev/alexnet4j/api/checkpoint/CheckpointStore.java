package dev.alexnet4j.api.checkpoint;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one run folder: {@code checkpoint-<step>.a4j} for the most recent ones and
 * {@code best.a4j} for the one with the lowest validation error.
 *
 * <ul>
 *   <li>{@link #save} writes {@code checkpoint-0000001200.a4j} (the step, zero-padded to ten digits
 *       so that a listing sorts by step), then deletes all but the {@code keepLast} highest steps.
 *       The file it has just written is never deleted, even when its step is lower than older
 *       files' (a run resumed from an earlier checkpoint).
 *   <li>{@link #save(Checkpoint, double)} also records the validation error in the checkpoint's
 *       state under {@value #VALIDATION_ERROR_KEY}, and when it is strictly lower than the best so
 *       far makes {@code best.a4j} the same content (a hard link where possible). Rotation never
 *       touches {@code best.a4j}.
 *   <li>{@link #latest} is the checkpoint with the highest step, what {@code --resume} continues.
 * </ul>
 *
 * <p>Every file is written atomically; a crash leaves at most a hidden temporary file, which the
 * next store on the folder deletes. One store (one trainer) per folder at a time; not thread-safe.
 */
public final class CheckpointStore {
  /** The state key {@link #save(Checkpoint, double)} records the validation error under. */
  public static final String VALIDATION_ERROR_KEY = "validation-error";

  /** The name of the best checkpoint. */
  public static final String BEST_FILE_NAME = "best.a4j";

  private static final Pattern CHECKPOINT_NAME = Pattern.compile("checkpoint-(\\d+)\\.a4j");

  private final Path directory;
  private final int keepLast;
  private OptionalDouble bestError;

  /**
   * A store on {@code directory}, created if absent. Temporary files a crashed writer left there
   * are deleted.
   *
   * @param keepLast how many {@code checkpoint-<step>} files to keep, at least 1
   */
  public CheckpointStore(Path directory, int keepLast) throws IOException {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
    }
    this.directory = directory;
    this.keepLast = keepLast;
    Files.createDirectories(directory);
    deleteAbandonedTemporaryFiles();
  }

  public Path directory() {
    return directory;
  }

  public int keepLast() {
    return keepLast;
  }

  /** The file name of the checkpoint at a step: {@code checkpoint-0000001200.a4j}. */
  public static String fileName(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    return String.format(Locale.ROOT, "checkpoint-%010d.a4j", step);
  }

  /** Where the checkpoint at a step is (or would be). */
  public Path pathFor(long step) {
    return directory.resolve(fileName(step));
  }

  /** Where the best checkpoint is (or would be). */
  public Path bestPath() {
    return directory.resolve(BEST_FILE_NAME);
  }

  /**
   * Writes the checkpoint as {@code checkpoint-<step>.a4j}, then rotates.
   *
   * @return the file written
   */
  public Path save(Checkpoint checkpoint) throws IOException {
    Path written = pathFor(checkpoint.step());
    CheckpointFile.write(written, checkpoint);
    rotate(written);
    return written;
  }

  /**
   * Writes the checkpoint with its validation error, makes it the best if the error is lower than
   * every earlier one, then rotates.
   *
   * @param validationError the error to rank checkpoints by, lower is better (e.g. top-1 error)
   * @return the file written (the periodic one, not {@code best.a4j})
   */
  public Path save(Checkpoint checkpoint, double validationError) throws IOException {
    if (Double.isNaN(validationError)) {
      throw new IllegalArgumentException(
          "validation error of step " + checkpoint.step() + " is NaN; it cannot rank checkpoints");
    }
    Checkpoint withError =
        checkpoint.withState(VALIDATION_ERROR_KEY, Double.toString(validationError));
    Path written = pathFor(checkpoint.step());
    CheckpointFile.write(written, withError);
    OptionalDouble best = bestValidationError();
    if (best.isEmpty() || validationError < best.getAsDouble()) {
      AtomicFiles.publishCopy(written, bestPath());
      bestError = OptionalDouble.of(validationError);
    }
    rotate(written);
    return written;
  }

  /** The {@code checkpoint-<step>} files, lowest step first. */
  public List<Path> checkpoints() throws IOException {
    return checkpointsIn(directory);
  }

  /**
   * The latest checkpoint in {@code directory}, read-only: for processes that resume a run but must
   * not touch its store (the ranks other than 0 of a distributed job).
   */
  public static Optional<Path> latestIn(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    List<Path> all = checkpointsIn(directory);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private static List<Path> checkpointsIn(Path directory) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        if (stepOf(file) >= 0 && Files.isRegularFile(file)) {
          found.add(file);
        }
      }
    }
    found.sort(Comparator.comparingLong(CheckpointStore::stepOf));
    return found;
  }

  /** The checkpoint with the highest step, the one {@code --resume} continues from. */
  public Optional<Path> latest() throws IOException {
    List<Path> all = checkpoints();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * Reads the latest checkpoint. A damaged latest file is an error, not a reason to fall back to an
   * older one silently: the user decides.
   */
  public Optional<Checkpoint> readLatest() throws IOException {
    Optional<Path> latest = latest();
    return latest.isEmpty() ? Optional.empty() : Optional.of(CheckpointFile.read(latest.get()));
  }

  /** {@code best.a4j} if one has been saved. */
  public Optional<Path> best() {
    Path best = bestPath();
    return Files.isRegularFile(best) ? Optional.of(best) : Optional.empty();
  }

  /**
   * The validation error of {@code best.a4j}, read from its metadata once and then remembered;
   * empty if there is none.
   *
   * @throws FileFormatException if {@code best.a4j} is damaged or carries no validation error
   */
  public OptionalDouble bestValidationError() throws IOException {
    if (bestError == null) {
      Optional<Path> best = best();
      if (best.isEmpty()) {
        bestError = OptionalDouble.empty();
      } else {
        String value = CheckpointFile.readSummary(best.get()).state().get(VALIDATION_ERROR_KEY);
        try {
          bestError = OptionalDouble.of(Double.parseDouble(value));
        } catch (NullPointerException | NumberFormatException e) {
          throw new FileFormatException(
              best.get().toString(),
              "state entry " + VALIDATION_ERROR_KEY + " is " + value + ", not a number");
        }
      }
    }
    return bestError;
  }

  /** The step in a checkpoint file name, or -1 if the name is not one. */
  static long stepOf(Path file) {
    Matcher m = CHECKPOINT_NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return -1;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return -1; // more digits than a long: not one of ours
    }
  }

  private void rotate(Path written) throws IOException {
    List<Path> all = checkpoints();
    Set<Path> keep = new HashSet<>(all.subList(Math.max(0, all.size() - keepLast), all.size()));
    keep.add(written);
    for (Path file : all) {
      if (!keep.contains(file)) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void deleteAbandonedTemporaryFiles() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String target = AtomicFiles.targetOfTemporary(file.getFileName().toString());
        if (target != null
            && (target.equals(BEST_FILE_NAME) || CHECKPOINT_NAME.matcher(target).matches())) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
