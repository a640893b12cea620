package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.alexnet4j.alexnet.FeatureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gallery features kept in the checkpoint's run folder ({@code features/<layer>-<key>.npy} and its
 * index), so a second query against the same gallery costs one forward pass per query. The key
 * digests what the features depend on: the gallery's files (names, sizes, times), the checkpoint
 * and training statistics (path, size, time), the layer and the preprocessing; a change to any of
 * them gives another key and a fresh extraction.
 */
final class GalleryCache {
  private static final Logger LOG = LoggerFactory.getLogger(GalleryCache.class);

  private final Path file;

  private GalleryCache(Path file) {
    this.file = file;
  }

  static GalleryCache of(
      TrainedModel trained, String galleryFingerprint, String layer, Config config)
      throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    RunFolder run = RunFolder.of(trained.file());
    StringBuilder key = new StringBuilder("gallery-features-v1\n");
    key.append(galleryFingerprint).append('\n');
    for (Path p : new Path[] {trained.file(), trained.statisticsFile()}) {
      key.append(p.toAbsolutePath())
          .append(' ')
          .append(Files.size(p))
          .append(' ')
          .append(Files.getLastModifiedTime(p).toMillis())
          .append('\n');
    }
    key.append(layer).append('\n');
    key.append(
        config
            .getConfig("alexnet4j.augment")
            .withOnlyPath("preprocess")
            .withFallback(config.getConfig("alexnet4j.augment").withOnlyPath("eval"))
            .root()
            .render(ConfigRenderOptions.concise()));
    String hex =
        HexFormat.of().formatHex(digest.digest(key.toString().getBytes(StandardCharsets.UTF_8)));
    return new GalleryCache(
        run.root().resolve("features").resolve(layer + "-" + hex.substring(0, 16) + ".npy"));
  }

  Path file() {
    return file;
  }

  /** The cached features, or empty when there are none (or they cannot be read: extract again). */
  Optional<FeatureFiles.Saved> load() {
    if (!Files.isRegularFile(file) || !Files.isRegularFile(FeatureFiles.indexOf(file))) {
      return Optional.empty();
    }
    try {
      return Optional.of(FeatureFiles.read(file));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cached gallery features {} are unreadable ({}); extracting them again",
          file,
          e.toString());
      return Optional.empty();
    }
  }

  void store(FeatureFiles.Saved saved) throws IOException {
    Files.createDirectories(file.getParent());
    FeatureFiles.write(file, saved);
  }
}
