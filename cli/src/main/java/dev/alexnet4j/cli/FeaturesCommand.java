package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.alexnet.FeatureFiles;
import dev.alexnet4j.alexnet.FeatureMatrix;
import dev.alexnet4j.augment.ImageDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alexnet4j features}: one layer's activations for every image of a folder, as .npy. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
      "The activations of one layer (e.g. fc7) for every image of a folder: an N x D float32 .npy"
          + " and beside it a .tsv index of the images' paths and labels.",
      "Load in Python with numpy.load(FILE) and pandas.read_csv(INDEX, sep='\\t')."
    })
final class FeaturesCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--layer",
      defaultValue = "fc7",
      paramLabel = "NAME",
      description = "Layer whose output is the feature (default: ${DEFAULT-VALUE}).")
  String layer;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Images as <class>/<image>, or a folder of IDX files (its test part).")
  Path data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The .npy to write; the index goes beside it as .tsv.")
  Path out;

  @Option(names = "--ten-crop", description = "Average the features of the paper's ten views.")
  boolean tenCrop;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws Exception {
    if (!out.getFileName().toString().endsWith(".npy")) {
      throw new UserError("--out " + out + ": name the features file FILE.npy");
    }
    TrainedModel trained = source.load();
    Map<String, Object> typed = new LinkedHashMap<>();
    typed.put("alexnet4j.augment.eval.views", tenCrop ? "ten" : "center");
    Config config = trained.config(options, typed);
    PrintWriter console = spec.commandLine().getOut();
    try (Session session = Session.open(config)) {
      ImageDataset images = ImageFolders.open(data, config, "--data");
      FeatureMatrix features =
          FeatureRun.extract(
              trained.bind(session), session, images, layer, batch, spec.commandLine().getErr());
      List<String> paths = new ArrayList<>(images.size());
      for (int i = 0; i < images.size(); i++) {
        paths.add(images.location(i));
      }
      FeatureFiles.write(out, new FeatureFiles.Saved(features, paths, images.classNames()));
      console.printf(
          "%d images x %d values of %s written to %s, index %s%n",
          features.rows(), features.dimension(), layer, out, FeatureFiles.indexOf(out));
    }
    return 0;
  }
}
