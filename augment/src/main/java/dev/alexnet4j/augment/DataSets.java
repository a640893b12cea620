package dev.alexnet4j.augment;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The training and validation sets named by {@code alexnet4j.augment.data}: an image folder in
 * ImageNet's layout, or a folder of IDX files (Fashion-MNIST as Debian installs it).
 *
 * @param validation empty when the data has no validation part
 */
public record DataSets(ImageDataset train, Optional<ImageDataset> validation) {
  private static final String KEY = AugmentSettings.PATH + ".data";

  /** Opens what the config names; every problem is reported with the key and the path. */
  public static DataSets open(Config config) {
    ConfigValues v = new ConfigValues(config.getConfig(KEY), KEY);
    String root = v.string("root");
    if (root.isBlank()) {
      throw new ConfigurationException(
          v.path("root"), "no data set configured: give --data DIR or set " + v.path("root"));
    }
    return open(Path.of(root), v.string("train"), v.string("validation"));
  }

  static DataSets open(Path root, String trainDir, String validationDir) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("data folder " + root.toAbsolutePath() + " does not exist");
    }
    Optional<Path> trainImages = idx(root, "train-images-idx3-ubyte");
    if (trainImages.isPresent()) {
      // IDX files carry no class names; Fashion-MNIST's are known, others are numbered.
      List<String> names =
          root.toAbsolutePath().toString().toLowerCase(java.util.Locale.ROOT).contains("fashion")
              ? IdxDataset.FASHION_MNIST_CLASSES
              : null;
      ImageDataset train =
          IdxDataset.open(trainImages.get(), requireIdx(root, "train-labels-idx1-ubyte"), names);
      Optional<Path> testImages = idx(root, "t10k-images-idx3-ubyte");
      Optional<ImageDataset> validation =
          testImages.map(
              images -> IdxDataset.open(images, requireIdx(root, "t10k-labels-idx1-ubyte"), names));
      return new DataSets(train, validation);
    }
    Path train = root.resolve(trainDir);
    if (!Files.isDirectory(train)) {
      throw new DatasetException(
          "data folder "
              + root.toAbsolutePath()
              + " has neither IDX files (train-images-idx3-ubyte[.gz]) nor a training folder '"
              + trainDir
              + "/<class>/<image>'");
    }
    ImageFolderDataset trainSet = ImageFolderDataset.scan(train);
    Optional<ImageDataset> validation = Optional.empty();
    if (!validationDir.isBlank() && Files.isDirectory(root.resolve(validationDir))) {
      // ILSVRC's flat val/ with its ground truth or solution CSV (IlsvrcValidation), or classes.
      Optional<IlsvrcValidation> flat = IlsvrcValidation.find(root.resolve(validationDir));
      ImageDataset val =
          flat.isPresent() ? flat.get() : ImageFolderDataset.scan(root.resolve(validationDir));
      if (!val.classNames().equals(trainSet.classNames())) {
        throw new DatasetException(
            "validation classes in "
                + root.resolve(validationDir).toAbsolutePath()
                + " differ from the training classes: "
                + difference(trainSet.classNames(), val.classNames()));
      }
      validation = Optional.of(val);
    }
    return new DataSets(trainSet, validation);
  }

  private static String difference(List<String> train, List<String> val) {
    List<String> onlyTrain = train.stream().filter(c -> !val.contains(c)).limit(5).toList();
    List<String> onlyVal = val.stream().filter(c -> !train.contains(c)).limit(5).toList();
    return "only in training " + onlyTrain + ", only in validation " + onlyVal;
  }

  private static Optional<Path> idx(Path root, String name) {
    for (String candidate : List.of(name, name + ".gz")) {
      Path p = root.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static Path requireIdx(Path root, String name) {
    return idx(root, name)
        .orElseThrow(
            () ->
                new DatasetException(
                    "IDX folder " + root.toAbsolutePath() + " lacks " + name + "[.gz]"));
  }
}
