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
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
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
    description = {
      "The top-5 classes of each image, with their probabilities.",
      "Every image that can be read is predicted; each one that cannot is named with the reason,"
          + " and the exit code is then 2."
    })
final class PredictCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(names = "--ten-crop", description = "Average the paper's ten views of each image.")
  boolean tenCrop;

  @Option(
      names = "--json",
      description =
          "One JSON object per image instead of text; an image that could not be predicted gets"
              + " {\"image\": ..., \"error\": ...}.")
  boolean json;

  @Option(
      names = "--png",
      paramLabel = "FILE",
      description = "Also draw each image with its top-5 classes as probability bars.")
  Path png;

  @Parameters(
      arity = "1..*",
      paramLabel = "IMAGE",
      description = "JPEG or PNG files, or folders of them (searched through their subfolders).")
  List<Path> images;

  /** File name endings taken from a folder; a file named on the command line is always tried. */
  private static final List<String> IMAGE_ENDINGS =
      List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

  /** One image to predict, or an argument that failed, with why. */
  private static final class Item {
    final Path path;
    String error;
    Evaluator.Prediction prediction;

    Item(Path path, String error) {
      this.path = path;
      this.error = error;
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Item> items = expand(images);
    List<Item> readable = items.stream().filter(i -> i.error == null).toList();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TrainedModel trained = source.load();
    List<String> names = trained.classNames();
    ImageListDataset set = null;
    if (!readable.isEmpty()) {
      Map<String, Object> typed = new LinkedHashMap<>();
      typed.put("alexnet4j.augment.eval.views", tenCrop ? "ten" : "center");
      Config config = trained.config(options, typed);
      try (Session session = Session.open(config)) {
        session.requireInputFitsCrops();
        trained = trained.bind(session);
        names = trained.classNames();
        set = new ImageListDataset(readable.stream().map(i -> i.path).toList(), names);
        int perBatch = Math.min(readable.size(), 16);
        try (ImageLoader loader =
                ImageLoader.evaluation(set, trained.statistics(), session.augment);
            Network network = session.build(perBatch * loader.viewsPerImage());
            Evaluator evaluator = new Evaluator(session.backend, network)) {
          trained.loadInto(session, network);
          List<Evaluator.Prediction> predictions = new ArrayList<>();
          evaluator.predict(loader, predictions::add);
          // The loader skips what it cannot decode and keeps the order of the rest.
          Map<Integer, String> unreadable = loader.unreadable().reasons();
          int next = 0;
          for (int i = 0; i < readable.size(); i++) {
            String reason = unreadable.get(i);
            if (reason != null) {
              readable.get(i).error = "cannot decode it: " + reason;
            } else if (next < predictions.size()) {
              readable.get(i).prediction = predictions.get(next++);
            } else {
              readable.get(i).error = "no prediction came back for it";
            }
          }
        }
      }
    }
    words =
        ClassWords.describe(names, ClassWords.folders(trained.file(), trained.trainingConfig()));
    List<Item> failed = new ArrayList<>();
    for (Item item : items) {
      if (item.prediction != null) {
        print(out, item.path, Evaluator.rank(item.prediction.probabilities(), 5), item, names);
      } else {
        failed.add(item);
        if (json) {
          out.println(
              "{\"image\":"
                  + quote(item.path.toString())
                  + ",\"error\":"
                  + quote(item.error)
                  + "}");
        }
      }
    }
    if (png != null && failed.size() < items.size()) {
      drawPng(set, readable, words);
      out.println("picture: " + png);
    }
    out.flush();
    for (Item item : failed) {
      err.println("alexnet4j: " + item.path + ": " + item.error);
    }
    if (!failed.isEmpty()) {
      err.println(
          "alexnet4j: "
              + failed.size()
              + " of "
              + items.size()
              + (items.size() == 1 ? " image" : " images")
              + " could not be predicted");
      return Main.USER_ERROR;
    }
    return 0;
  }

  /** The arguments as images: a folder gives the images under it, in name order. */
  private static List<Item> expand(List<Path> arguments) throws IOException {
    List<Item> items = new ArrayList<>();
    for (Path arg : arguments) {
      if (Files.isDirectory(arg)) {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(arg, FileVisitOption.FOLLOW_LINKS)) {
          found =
              walk.filter(p -> Files.isRegularFile(p) && isImageName(p) && !hidden(arg, p))
                  .sorted()
                  .toList();
        }
        if (found.isEmpty()) {
          items.add(new Item(arg, "a folder with no image files (" + IMAGE_ENDINGS + ")"));
        }
        found.forEach(p -> items.add(new Item(p, null)));
      } else if (Files.isRegularFile(arg)) {
        items.add(new Item(arg, null));
      } else {
        items.add(new Item(arg, Files.exists(arg) ? "not a regular file" : "no such file"));
      }
    }
    return items;
  }

  private static boolean isImageName(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return IMAGE_ENDINGS.stream().anyMatch(name::endsWith);
  }

  /** Whether a file or a folder on its way below {@code root} is hidden (a dot name). */
  private static boolean hidden(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Class names as shown: with synset words when a synset list is found (ClassWords). */
  private List<String> words;

  private void print(PrintWriter out, Path image, int[] top, Item item, List<String> names) {
    Evaluator.Prediction p = item.prediction;
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
          words.get(top[i]),
          100 * p.probabilities()[top[i]]);
    }
  }

  private void drawPng(ImageListDataset set, List<Item> readable, List<String> names)
      throws IOException {
    List<PredictionPicture.Row> rows = new ArrayList<>();
    for (int index = 0; index < readable.size(); index++) {
      Evaluator.Prediction p = readable.get(index).prediction;
      if (p == null) {
        continue;
      }
      int[] top = Evaluator.rank(p.probabilities(), 5);
      float[] probabilities = new float[top.length];
      List<String> classes = new ArrayList<>();
      for (int i = 0; i < top.length; i++) {
        probabilities[i] = p.probabilities()[top[i]];
        classes.add(names.get(top[i]));
      }
      rows.add(
          new PredictionPicture.Row(
              Pictures.toImage(set.read(index)),
              readable.get(index).path.getFileName().toString(),
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
