package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.train.EvaluationReport;
import dev.alexnet4j.api.train.Evaluator;
import dev.alexnet4j.augment.DataSets;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.ImageFolderDataset;
import dev.alexnet4j.augment.ImageLoader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alexnet4j eval}: top-1 and top-5 error of a checkpoint, per class and confusions. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Top-1 and top-5 error of a checkpoint on a labelled data set, with a per-class CSV and the"
          + " classes most often mistaken for one another."
    })
final class EvalCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "DIR/<class>/*, or the validation part of a training data folder (DIR/val, t10k IDX);"
              + " default: the data the checkpoint was trained with.")
  Path data;

  @Option(
      names = "--ten-crop",
      description = "Average the softmax of the paper's ten views (corners, centre, mirrored).")
  boolean tenCrop;

  @Option(names = "--batch", defaultValue = "16", description = "Images per batch (default 16).")
  int batch;

  @Option(
      names = "--csv",
      paramLabel = "FILE",
      description = "Per-class CSV (default: beside the checkpoint).")
  Path csv;

  @Override
  public Integer call() throws Exception {
    if (batch < 1) {
      throw new UserError("--batch must be at least 1, got " + batch);
    }
    TrainedModel trained = source.load();
    Map<String, Object> typed = new LinkedHashMap<>();
    if (data != null) {
      typed.put("alexnet4j.augment.data.root", data.toString());
    }
    typed.put("alexnet4j.augment.eval.views", tenCrop ? "ten" : "center");
    Config config = trained.config(options, typed);
    PrintWriter out = spec.commandLine().getOut();
    try (Session session = Session.open(config)) {
      session.requireInputFitsCrops();
      trained = trained.bind(session);
      ImageDataset set = evaluationSet(config);
      if (!trained.namedClasses()) {
        // An .npz without --classes: the data's classes, in their order, are the outputs'.
        session.requireClasses(
            set.classNames().size(), config.getString("alexnet4j.augment.data.root"));
      } else if (!set.classNames().equals(trained.classNames())) {
        throw new UserError(
            "the data's "
                + set.classNames().size()
                + " classes are not the "
                + trained.classNames().size()
                + (source.checkpoint != null
                    ? " the checkpoint was trained on (classes.txt of its run folder)"
                    : " of --classes"));
      }
      try (ImageLoader loader = ImageLoader.evaluation(set, trained.statistics(), session.augment);
          Network network = session.build(batch * loader.viewsPerImage());
          Evaluator evaluator = new Evaluator(session.backend, network)) {
        trained.loadInto(session, network);
        EvaluationReport r = evaluator.evaluate(loader);
        out.printf(
            Locale.ROOT,
            "%d images, %s: top-1 error %.2f%%, top-5 error %.2f%%, loss %.4f%n",
            r.images(),
            tenCrop ? "ten views" : "centre crop",
            100 * r.top1Error(),
            100 * r.top5Error(),
            r.loss());
        if (loader.unreadable().count() > 0) {
          out.printf("%d unreadable files skipped (see the log)%n", loader.unreadable().count());
        }
        out.println("most confused (true -> predicted: images):");
        java.util.function.UnaryOperator<String> words =
            ClassWords.describer(ClassWords.folders(trained.file(), config));
        for (EvaluationReport.Confusion c : r.mostConfused(10)) {
          out.printf(
              "  %s -> %s: %d%n", words.apply(c.truth()), words.apply(c.predicted()), c.count());
        }
        Path file = csv != null ? csv : defaultCsv();
        writeCsv(file, r);
        out.println("per-class figures: " + file);
      }
    }
    return 0;
  }

  private ImageDataset evaluationSet(Config config) {
    Path root = Path.of(config.getString("alexnet4j.augment.data.root"));
    if (data != null
        && Files.isDirectory(data)
        && !Files.isDirectory(data.resolve(config.getString("alexnet4j.augment.data.train")))
        && !Files.exists(data.resolve("train-images-idx3-ubyte"))
        && !Files.exists(data.resolve("train-images-idx3-ubyte.gz"))) {
      // DIR/<class>/* directly, or ILSVRC's flat val/ with its ground truth or solution CSV
      return dev.alexnet4j.augment.IlsvrcValidation.find(data)
          .map(ImageDataset.class::cast)
          .orElseGet(() -> ImageFolderDataset.scan(data));
    }
    return DataSets.open(config)
        .validation()
        .orElseThrow(
            () ->
                new UserError(
                    "no validation images in "
                        + root
                        + ": give --data DIR with DIR/<class>/<image>, or a folder with val/ or"
                        + " t10k-* IDX files"));
  }

  private Path defaultCsv() {
    Path checkpoint = source.file();
    String name = checkpoint.getFileName().toString().replaceFirst("\\.(a4j|npz)$", "");
    return checkpoint
        .toAbsolutePath()
        .resolveSibling(name + (tenCrop ? "-ten-crop" : "-centre") + "-per-class.csv");
  }

  private static void writeCsv(Path file, EvaluationReport r) throws java.io.IOException {
    StringBuilder sb = new StringBuilder("class,images,top1_error,top5_error\n");
    for (int c = 0; c < r.classNames().size(); c++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%.6f,%.6f%n",
              csvField(r.classNames().get(c)),
              r.total(c),
              r.top1Error(c),
              r.top5Error(c)));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
