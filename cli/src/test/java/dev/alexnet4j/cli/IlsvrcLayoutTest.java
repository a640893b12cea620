package dev.alexnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ILSVRC's flat val/ with the devkit ground truth and a synset list, end to end: prepare, train on
 * the prepared folder, eval on the flat folder, predict with synset words.
 */
class IlsvrcLayoutTest {
  @TempDir Path tmp;

  @Test
  void prepareTrainEvalAndPredictWithTheFlatValidationLayout() throws Exception {
    Path src = CliFixture.imageFolders(tmp.resolve("src"));
    Path config = CliFixture.config(tmp);
    // Flatten val/<class>/ into ILSVRC2012_val_<n>.png, labelled by the ground truth file.
    List<String> truth = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(src.resolve("val"))) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      truth.add(f.getParent().getFileName().toString().equals("blue") ? "1" : "2");
      Path flat =
          src.resolve("val")
              .resolve(String.format(Locale.ROOT, "ILSVRC2012_val_%08d.png", truth.size()));
      Files.move(f, flat);
    }
    Files.delete(src.resolve("val/blue"));
    Files.delete(src.resolve("val/red"));
    truth.add("2"); // listed, but the file is missing
    Files.writeString(
        src.resolve("ILSVRC2012_validation_ground_truth.txt"), String.join("\n", truth));
    Files.writeString(src.resolve("synset_words.txt"), "blue cobalt blue\nred crimson red\n");
    String[] size = {
      "-Dalexnet4j.augment.preprocess.shorter-side=10",
      "-Dalexnet4j.augment.preprocess.center-size=10"
    };
    Path dest = tmp.resolve("prepared");
    CliFixture.Run prepare =
        CliFixture.run(
            "prepare",
            src.toString(),
            dest.toString(),
            "--config",
            config.toString(),
            size[0],
            size[1]);
    assertEquals(0, prepare.exitCode(), prepare.err() + prepare.out());
    assertTrue(prepare.out().contains("64 images written"), prepare.out());
    assertTrue(prepare.out().contains("ILSVRC2012_val_00000017"), prepare.out());
    assertTrue(Files.isRegularFile(dest.resolve("val/red/ILSVRC2012_val_00000016.png")));
    assertTrue(Files.isRegularFile(dest.resolve("synset_words.txt")));

    Path run = tmp.resolve("run");
    CliFixture.Run train =
        CliFixture.run(
            "train",
            "--config",
            config.toString(),
            "--data",
            dest.toString(),
            "--out",
            run.toString(),
            size[0],
            size[1]);
    assertEquals(0, train.exitCode(), train.err() + train.out());
    Path checkpoint = run.resolve("checkpoints/best.a4j");

    CliFixture.Run eval =
        CliFixture.run(
            "eval", "--checkpoint", checkpoint.toString(), "--data", src.resolve("val").toString());
    assertEquals(0, eval.exitCode(), eval.err() + eval.out());
    assertTrue(eval.out().startsWith("16 images, centre crop"), eval.out());

    CliFixture.Run predict =
        CliFixture.run(
            "predict",
            "--checkpoint",
            checkpoint.toString(),
            dest.resolve("val/red/ILSVRC2012_val_00000016.png").toString());
    assertEquals(0, predict.exitCode(), predict.err() + predict.out());
    assertTrue(
        predict.out().contains("red crimson red") && predict.out().contains("blue cobalt blue"),
        predict.out());

    // The nearest-neighbour listing and its contact sheet name classes the same way.
    CliFixture.Run similar =
        CliFixture.run(
            "similar",
            "--checkpoint",
            checkpoint.toString(),
            "--gallery",
            dest.resolve("val").toString(),
            "--layer",
            "pool1",
            "--k",
            "2",
            "--evaluate",
            "4",
            "--png",
            tmp.resolve("similar.png").toString());
    assertEquals(0, similar.exitCode(), similar.err() + similar.out());
    assertTrue(similar.out().contains("crimson red"), similar.out());
    assertTrue(Files.isRegularFile(tmp.resolve("similar.png")));
  }
}
