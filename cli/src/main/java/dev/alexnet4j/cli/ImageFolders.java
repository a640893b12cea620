package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.augment.DataSets;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.ImageFolderDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The images of a folder given on the command line (--data, --gallery). */
final class ImageFolders {
  private static final List<String> IDX =
      List.of(
          "t10k-images-idx3-ubyte",
          "t10k-images-idx3-ubyte.gz",
          "train-images-idx3-ubyte",
          "train-images-idx3-ubyte.gz");

  private ImageFolders() {}

  /**
   * A folder laid out as {@code <class>/<image>}, or a folder of IDX files (Fashion-MNIST as Debian
   * installs it), of which the test part (t10k) is taken when there is one: the images the model
   * was not trained on.
   */
  static ImageDataset open(Path dir, Config config, String option) {
    if (!Files.isDirectory(dir)) {
      throw new UserError(
          option
              + " "
              + dir.toAbsolutePath()
              + (Files.exists(dir) ? " is not a folder" : " does not exist")
              + ": give a folder laid out as <class>/<image>, or a folder of IDX files");
    }
    if (IDX.stream().anyMatch(name -> Files.isRegularFile(dir.resolve(name)))) {
      DataSets sets =
          DataSets.open(
              config.withValue(
                  "alexnet4j.augment.data.root",
                  ConfigValueFactory.fromAnyRef(dir.toAbsolutePath().toString())));
      return sets.validation().orElse(sets.train());
    }
    return ImageFolderDataset.scan(dir);
  }
}
