package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.cli.pictures.FilterGrid;
import dev.alexnet4j.cli.pictures.Pictures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alexnet4j filters}: the first layer's kernels as a picture, the paper's Figure 3. */
@Command(
    name = "filters",
    mixinStandardHelpOptions = true,
    description = {
      "Draws a convolution layer's kernels (by default conv1) as a grid of colour tiles, each"
          + " normalised to its own range; split into the two towers when the network was trained"
          + " split (the next convolution has groups = 2), as in the paper's Figure 3."
    })
final class FiltersCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "PNG to write (default: pictures/<layer>.png in the checkpoint's run folder).")
  Path out;

  @Option(
      names = "--layer",
      paramLabel = "NAME",
      description = "Convolution layer to draw (default: the first).")
  String layer;

  @Option(
      names = "--scale",
      defaultValue = "0",
      description = "Pixels per kernel value (default: enough for tiles of about 48 pixels).")
  int scale;

  @Option(
      names = "--grey",
      description =
          "Draw each kernel as the mean of its channels: what acts on greyscale images (e.g."
              + " Fashion-MNIST, whose grey is repeated over the three channels).")
  boolean grey;

  @Option(
      names = "--columns",
      defaultValue = "16",
      description = "Tiles per row (default: ${DEFAULT-VALUE}).")
  int columns;

  @Override
  public Integer call() throws Exception {
    Path checkpoint = source.file();
    if (source.checkpoint != null && !Files.isRegularFile(checkpoint)) {
      throw new UserError("checkpoint " + checkpoint.toAbsolutePath() + " does not exist");
    }
    if (columns < 1 || scale < 0) {
      throw new UserError("--columns must be at least 1 and --scale at least 0");
    }
    // A checkpoint needs no run folder here: only its weights are drawn. An .npz is checked
    // against the whole --model network first, all or nothing, as every command does.
    Map<String, NpyArray> parameters;
    Config config;
    if (source.checkpoint != null) {
      Checkpoint c = CheckpointFile.read(checkpoint);
      parameters = c.parameters();
      config = options.loadOver(ConfigFactory.parseString(c.config()), Map.of());
    } else {
      TrainedModel trained = TrainedModel.weights(checkpoint, source.weights.model, null, null);
      parameters = trained.parameters();
      config = trained.config(options, Map.of());
    }
    List<ConvolutionLayer.Spec> convs;
    try (Session session = Session.open(config)) {
      if (source.weights != null) {
        try (Network network = session.build(1)) {
          TrainedModel.requireFits(checkpoint, Checkpoint.shapes(parameters), network.parameters());
        }
      }
      convs =
          session.network.layers().stream()
              .filter(l -> l instanceof ConvolutionLayer.Spec)
              .map(l -> (ConvolutionLayer.Spec) l)
              .toList();
    }
    int at = indexOf(convs);
    ConvolutionLayer.Spec conv = convs.get(at);
    NpyArray weights = parameters.get(conv.name() + ".weight");
    if (weights == null) {
      throw new UserError(
          "checkpoint "
              + checkpoint
              + " has no "
              + conv.name()
              + ".weight; it has "
              + parameters.keySet());
    }
    int towers = towers(convs, at, conv.filters());
    int s = scale > 0 ? scale : Math.max(1, 48 / conv.kernel());
    BufferedImage picture = FilterGrid.draw(weights, towers, columns, s, grey);
    Path file =
        out != null ? out : RunFolder.of(checkpoint).pictures().resolve(conv.name() + ".png");
    Pictures.writePng(picture, file);
    int[] shape = weights.shape();
    spec.commandLine()
        .getOut()
        .printf(
            "%d kernels of %s (%dx%dx%d)%s drawn to %s (%dx%d pixels)%n",
            shape[0],
            conv.name(),
            shape[2],
            shape[3],
            shape[1],
            towers > 1 ? ", " + towers + " towers of " + shape[0] / towers : "",
            file,
            picture.getWidth(),
            picture.getHeight());
    return 0;
  }

  private int indexOf(List<ConvolutionLayer.Spec> convs) {
    if (convs.isEmpty()) {
      throw new UserError("the model of " + source.file() + " has no convolution layer to draw");
    }
    if (layer == null) {
      return 0;
    }
    for (int i = 0; i < convs.size(); i++) {
      if (convs.get(i).name().equals(layer)) {
        return i;
      }
    }
    throw new UserError(
        "--layer "
            + layer
            + ": no convolution layer of that name (convolution layers: "
            + convs.stream().map(LayerSpec::name).toList()
            + ")");
  }

  /**
   * The towers the layer's kernels were split over: a layer is split when the convolution after it
   * reads its channels in groups (the paper's conv2 reads only its own GPU's half of conv1).
   */
  private static int towers(List<ConvolutionLayer.Spec> convs, int at, int filters) {
    if (at + 1 < convs.size()) {
      int groups = convs.get(at + 1).groups();
      if (groups > 1 && filters % groups == 0) {
        return groups;
      }
    }
    return convs.get(at).groups() > 1 ? convs.get(at).groups() : 1;
  }
}
