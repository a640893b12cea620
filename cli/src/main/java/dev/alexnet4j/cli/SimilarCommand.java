package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import dev.alexnet4j.alexnet.FeatureFiles;
import dev.alexnet4j.alexnet.FeatureMatrix;
import dev.alexnet4j.alexnet.NearestNeighbours;
import dev.alexnet4j.alexnet.NearestNeighbours.Neighbour;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.ImageListDataset;
import dev.alexnet4j.cli.pictures.ContactSheet;
import dev.alexnet4j.cli.pictures.Pictures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alexnet4j similar}: the gallery images nearest to each query in fc7 space (Figure 4). */
@Command(
    name = "similar",
    mixinStandardHelpOptions = true,
    description = {
      "The gallery images nearest to each query image by Euclidean distance of their fc7"
          + " features, as in the paper's Figure 4: printed as a table and drawn as a contact sheet"
          + " (each query followed by its neighbours, with distance and class).",
      "Gallery features are cached in the checkpoint's run folder (features/)."
    })
final class SimilarCommand implements Callable<Integer> {
  static final int TILE = 96;
  // Rows drawn from --evaluate queries when no --query is given.
  static final int SHEET_QUERIES = 8;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--query",
      arity = "1..*",
      paramLabel = "IMAGE",
      description = "Query images (JPEG or PNG).")
  List<Path> queries = new ArrayList<>();

  @Option(
      names = "--gallery",
      required = true,
      paramLabel = "DIR",
      description =
          "Images to search, as <class>/<image>, or a folder of IDX files (its test part).")
  Path gallery;

  @Option(
      names = "--k",
      defaultValue = "6",
      paramLabel = "K",
      description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--layer",
      defaultValue = "fc7",
      paramLabel = "NAME",
      description = "Layer whose output is compared (default: ${DEFAULT-VALUE}).")
  String layer;

  @Option(
      names = "--png",
      paramLabel = "FILE",
      description = "Contact sheet to write (default: pictures/similar.png in the run folder).")
  Path png;

  @Option(
      names = "--evaluate",
      paramLabel = "N",
      description =
          "Also take N gallery images, evenly spaced, as queries (each excluded from its own"
              + " neighbours) and print the retrieval precision@k: the mean fraction of their k"
              + " nearest that share their class. Without --query, the first 8 of them make the"
              + " contact sheet.")
  Integer evaluate;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws Exception {
    if (queries.isEmpty() && evaluate == null) {
      throw new UserError("give query images with --query IMAGE..., or --evaluate N, or both");
    }
    if (k < 1 || (evaluate != null && evaluate < 1)) {
      throw new UserError("--k and --evaluate must be at least 1");
    }
    TrainedModel loaded = source.load();
    Config config = loaded.config(options, Map.of("alexnet4j.augment.eval.views", "center"));
    PrintWriter out = spec.commandLine().getOut();
    try (Session session = Session.open(config)) {
      TrainedModel trained = loaded.bind(session);
      ImageDataset images = ImageFolders.open(gallery, config, "--gallery");
      // Class names as shown, with synset words where a synset list is found (ClassWords); the
      // search itself goes by labels.
      FeatureFiles.Saved found = galleryFeatures(trained, session, images, config);
      FeatureFiles.Saved saved =
          new FeatureFiles.Saved(
              found.features(),
              found.paths(),
              ClassWords.describe(found.classNames(), ClassWords.folders(source.file(), config)));
      NearestNeighbours search = new NearestNeighbours(saved.features());
      List<List<ContactSheet.Tile>> rows = new ArrayList<>();
      if (evaluate != null) {
        int[] picks = picks(saved.features().rows());
        out.printf(
            Locale.ROOT,
            "retrieval precision@%d over %d gallery queries of %d images: %.3f%n",
            k,
            picks.length,
            saved.features().rows(),
            search.precisionAtK(picks, k));
        if (queries.isEmpty()) {
          // Nothing else to draw: the first evaluation queries make the sheet, so a folder of IDX
          // files (no image files to name) still gets its picture.
          for (int i = 0; i < Math.min(SHEET_QUERIES, picks.length); i++) {
            int q = picks[i];
            List<Neighbour> near = search.nearest(saved.features().row(q), k, q);
            print(out, saved.paths().get(q), near, saved);
            rows.add(
                tiles(
                    Pictures.toImage(images.read(q)),
                    className(saved, q),
                    "query",
                    near,
                    saved,
                    images));
          }
        }
      }
      if (!queries.isEmpty()) {
        FeatureMatrix q =
            FeatureRun.extract(
                trained,
                session,
                new ImageListDataset(queries, trained.classNames()),
                layer,
                batch,
                spec.commandLine().getErr());
        for (int i = 0; i < queries.size(); i++) {
          List<Neighbour> near = search.nearest(q.row(i), k);
          Path query = queries.get(i);
          print(out, query.toString(), near, saved);
          rows.add(
              tiles(
                  Pictures.toImage(new ImageListDataset(List.of(query), List.of()).read(0)),
                  "query",
                  query.getFileName().toString(),
                  near,
                  saved,
                  images));
        }
      }
      Path file = png != null ? png : RunFolder.of(source.file()).pictures().resolve("similar.png");
      Pictures.writePng(ContactSheet.draw(rows, TILE), file);
      out.println("contact sheet: " + file);
    }
    return 0;
  }

  private FeatureFiles.Saved galleryFeatures(
      TrainedModel trained, Session session, ImageDataset images, Config config)
      throws IOException {
    GalleryCache cache = GalleryCache.of(trained, images.fingerprint(), layer, config);
    var cached = cache.load();
    if (cached.isPresent() && cached.get().features().rows() == images.size()) {
      return cached.get();
    }
    FeatureMatrix features =
        FeatureRun.extract(trained, session, images, layer, batch, spec.commandLine().getErr());
    List<String> paths = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      paths.add(images.location(i));
    }
    FeatureFiles.Saved saved = new FeatureFiles.Saved(features, paths, images.classNames());
    cache.store(saved);
    return saved;
  }

  /** {@code --evaluate} gallery rows, evenly spaced: every class of a sorted folder is asked. */
  private int[] picks(int size) {
    int n = Math.min(evaluate, size);
    int[] picks = new int[n];
    for (int i = 0; i < n; i++) {
      picks[i] = (int) ((long) i * size / n);
    }
    return picks;
  }

  private static void print(
      PrintWriter out, String query, List<Neighbour> near, FeatureFiles.Saved g) {
    out.println("query " + query);
    for (int r = 0; r < near.size(); r++) {
      int index = near.get(r).index();
      out.printf(
          Locale.ROOT,
          "  %d. %10.4f  %-20s %s%n",
          r + 1,
          near.get(r).distance(),
          className(g, index),
          g.paths().get(index));
    }
  }

  private static String className(FeatureFiles.Saved g, int index) {
    int label = g.features().labels()[index];
    return label >= 0 && label < g.classNames().size() ? g.classNames().get(label) : "?";
  }

  /** One row of the sheet: the query tile, then its neighbours with class and distance. */
  private static List<ContactSheet.Tile> tiles(
      BufferedImage query,
      String line1,
      String line2,
      List<Neighbour> near,
      FeatureFiles.Saved g,
      ImageDataset images)
      throws IOException {
    List<ContactSheet.Tile> tiles = new ArrayList<>();
    tiles.add(new ContactSheet.Tile(query, line1, line2));
    for (Neighbour n : near) {
      tiles.add(
          new ContactSheet.Tile(
              Pictures.toImage(images.read(n.index())),
              className(g, n.index()),
              String.format(Locale.ROOT, "d = %.2f", n.distance())));
    }
    return tiles;
  }
}
