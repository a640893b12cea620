package dev.alexnet4j.cli;

import dev.alexnet4j.alexnet.FeatureExtractor;
import dev.alexnet4j.alexnet.FeatureMatrix;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.ImageLoader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The features of a data set through a trained model, with the loader and backend evaluation uses,
 * so an image is preprocessed exactly as when the model is evaluated.
 */
final class FeatureRun {
  private static final int LOG_UPDATE_MILLIS = 15_000;

  private FeatureRun() {}

  /**
   * @param progress where the progress bar goes (the command's error stream: output stays clean)
   */
  static FeatureMatrix extract(
      TrainedModel trained,
      Session session,
      ImageDataset images,
      String layer,
      int batch,
      PrintWriter progress) {
    session.requireInputFitsCrops();
    int perBatch = Math.max(1, Math.min(batch, images.size()));
    try (ImageLoader loader =
            ImageLoader.evaluation(images, trained.statistics(), session.augment);
        Network network = session.build(perBatch * loader.viewsPerImage())) {
      trained.loadInto(session, network);
      FeatureExtractor extractor;
      try {
        extractor = new FeatureExtractor(session.backend, network, layer);
      } catch (IllegalArgumentException e) {
        throw new UserError("--layer " + layer + ": " + e.getMessage());
      }
      try (extractor;
          ProgressBar bar = bar(progress, layer, images.size())) {
        return extractor.extractAll(loader, bar::stepTo);
      } catch (IllegalStateException e) {
        if (loader.unreadable().count() > 0) {
          throw new UserError(
              "could not read "
                  + loader.unreadable().count()
                  + " of the "
                  + images.size()
                  + " images, so features would not line up with the files: "
                  + loader.unreadable().reasons().values()
                  + "; remove or fix them");
        }
        throw e;
      }
    }
  }

  /** Skips a line equal to the one before: closing a bar renders its last state twice. */
  private static Consumer<String> distinctLines(PrintWriter out) {
    String[] last = {null};
    return line -> {
      if (!line.equals(last[0])) {
        out.println(line);
        last[0] = line;
      }
    };
  }

  private static ProgressBar bar(PrintWriter progress, String layer, long images) {
    boolean interactive = System.console() != null;
    ProgressBarConsumer consumer =
        interactive
            ? new ConsoleProgressBarConsumer(
                new PrintStream(System.err, true, StandardCharsets.UTF_8))
            : new DelegatingProgressBarConsumer(distinctLines(progress));
    return new ProgressBarBuilder()
        .setTaskName(layer + " features")
        .setInitialMax(images)
        .setUnit(" images", 1)
        .setStyle(interactive ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(interactive ? 500 : LOG_UPDATE_MILLIS)
        .setConsumer(consumer)
        .build();
  }
}
