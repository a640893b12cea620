package dev.alexnet4j.api.checkpoint;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A network's weights as a NumPy {@code .npz}, one array per parameter under its name, so weights
 * trained elsewhere can be loaded and ours inspected in Python: {@code conv1.weight} is [out, in /
 * groups, kh, kw], {@code fc6.weight} is [out, in], every {@code *.bias} is [out] (the layouts of
 * PyTorch's {@code Conv2d} and {@code Linear}).
 *
 * <pre>
 * w = numpy.load("alexnet.npz"); w["conv1.weight"].shape   # (96, 3, 11, 11)
 * </pre>
 */
public final class WeightsFile {
  private WeightsFile() {}

  /** Writes every parameter's value to {@code file}, stored like {@code numpy.savez}. */
  public static void export(Backend backend, Map<String, Parameter> parameters, Path file)
      throws IOException {
    export(backend, parameters, file, Npz.Compression.STORED);
  }

  /** Writes every parameter's value to {@code file}, atomically, in parameter order. */
  public static void export(
      Backend backend, Map<String, Parameter> parameters, Path file, Npz.Compression compression)
      throws IOException {
    Npz.write(file, CheckpointTensors.download(backend, parameters), compression);
  }

  /**
   * Loads every parameter's value from {@code file}. The file must hold exactly the parameters,
   * each with its shape; otherwise nothing is loaded.
   *
   * @throws WeightsMismatchException listing every name missing from the file, every array the
   *     network has no parameter for, and every shape that differs
   * @throws FileFormatException if the file is not a readable {@code .npz} of float arrays
   */
  public static void importInto(Backend backend, Map<String, Parameter> parameters, Path file)
      throws IOException {
    // The whole archive is read and checked before the first upload, so a bad entry or a
    // mismatch leaves the network untouched, never half-loaded.
    Map<String, NpyArray> arrays = Npz.read(file);
    List<WeightsMismatchException.Mismatch> mismatches =
        WeightsMismatchException.compare(
            "parameter", CheckpointTensors.shapesOf(parameters), Checkpoint.shapes(arrays));
    if (!mismatches.isEmpty()) {
      throw new WeightsMismatchException(
          file + " does not fit the network", "the network", "the file", mismatches);
    }
    parameters.forEach((name, p) -> backend.upload(arrays.get(name).data(), p.value()));
  }
}
