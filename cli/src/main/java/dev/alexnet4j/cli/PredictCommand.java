package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.train.Evaluator;
import dev.alexnet4j.augment.ImageListDataset;
import dev.alexnet4j.augment.ImageLoader;
import dev.alexnet4j.cli.pictures.Pictures;
import dev.alexnet4j.cli.pictures.PredictionPicture;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alexnet4j predict}: the five most probable classes of each image. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "The top-5 classes of each image, with their probabilities.")
final class PredictCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Checkpoint.")
  Path checkpoint;

  @Option(names = "--ten-crop", description = "Average the paper's ten views of each image.")
  boolean tenCrop;

  @Option(names = "--json", description = "One JSON object per image instead of text.")
  boolean json;

  @Option(
      names = "--png",
      paramLabel = "FILE",
      description = "Also draw each image with its top-5 classes as probability bars.")
  Path png;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
  List<Path> images;

  @Override
  public Integer call() throws Exception {
    TrainedModel trained = TrainedModel.load(checkpoint);
    Map<String, Object> typed = new LinkedHashMap<>();
    typed.put("alexnet4j.augment.eval.views", tenCrop ? "ten" : "center");
    Config config = options.loadOver(trained.trainingConfig(), typed);
    PrintWriter out = spec.commandLine().getOut();
    List<String> names = trained.classNames();
    try (Session session = Session.open(config)) {
      session.requireInputFitsCrops();
      ImageListDataset set = new ImageListDataset(images, names);
      int perBatch = Math.min(images.size(), 16);
      try (ImageLoader loader = ImageLoader.evaluation(set, trained.statistics(), session.augment);
          Network network = session.build(perBatch * loader.viewsPerImage());
          Evaluator evaluator = new Evaluator(session.backend, network)) {
        trained.loadInto(session, network);
        List<Evaluator.Prediction> predictions = new ArrayList<>();
        evaluator.predict(loader, predictions::add);
        if (loader.unreadable().count() > 0) {
          throw new UserError(
              "could not read "
                  + loader.unreadable().count()
                  + " of the images: "
                  + loader.unreadable().reasons().values());
        }
        for (Evaluator.Prediction p : predictions) {
          print(out, images.get((int) p.index()), Evaluator.rank(p.probabilities(), 5), p, names);
        }
        if (png != null) {
          drawPng(set, predictions, names);
          out.println("picture: " + png);
        }
      }
    }
    return 0;
  }

  private void print(
      PrintWriter out, Path image, int[] top, Evaluator.Prediction p, List<String> names) {
    if (json) {
      StringBuilder sb = new StringBuilder("{\"image\":").append(quote(image.toString()));
      sb.append(",\"top5\":[");
      for (int i = 0; i < top.length; i++) {
        sb.append(i == 0 ? "" : ",")
            .append("{\"class\":")
            .append(quote(names.get(top[i])))
            .append(",\"index\":")
            .append(top[i])
            .append(
                String.format(Locale.ROOT, ",\"probability\":%.6f}", p.probabilities()[top[i]]));
      }
      out.println(sb.append("]}"));
      return;
    }
    out.println(image);
    for (int i = 0; i < top.length; i++) {
      out.printf(
          Locale.ROOT,
          "  %d. %-24s %6.2f%%%n",
          i + 1,
          names.get(top[i]),
          100 * p.probabilities()[top[i]]);
    }
  }

  private void drawPng(
      ImageListDataset set, List<Evaluator.Prediction> predictions, List<String> names)
      throws IOException {
    List<PredictionPicture.Row> rows = new ArrayList<>();
    for (Evaluator.Prediction p : predictions) {
      int[] top = Evaluator.rank(p.probabilities(), 5);
      float[] probabilities = new float[top.length];
      List<String> classes = new ArrayList<>();
      for (int i = 0; i < top.length; i++) {
        probabilities[i] = p.probabilities()[top[i]];
        classes.add(names.get(top[i]));
      }
      int index = (int) p.index();
      rows.add(
          new PredictionPicture.Row(
              Pictures.toImage(set.read(index)),
              images.get(index).getFileName().toString(),
              classes,
              probabilities));
    }
    Pictures.writePng(PredictionPicture.draw(rows), png);
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
