package dev.alexnet4j.experiments;

import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.api.Alexnet4j;
import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.config.ConfigurationException;
import dev.alexnet4j.api.device.DeviceSettings;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.network.NetworkParser;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.train.NonFiniteException;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import dev.alexnet4j.augment.AugmentSettings;
import dev.alexnet4j.augment.DataSets;
import dev.alexnet4j.augment.DatasetStatistics;
import dev.alexnet4j.augment.ImageDataset;
import dev.alexnet4j.augment.ImageLoader;
import dev.alexnet4j.augment.StatisticsCache;
import dev.alexnet4j.experiments.ExperimentResult.ArmResult;
import dev.alexnet4j.experiments.ExperimentResult.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an experiment: every arm under every seed, in this process, one run after another (seed by
 * seed, the arms of a seed back to back, so that a change in the machine's load falls on both arms
 * alike), on the same fixed part of the data; then compares the arms measure by measure.
 *
 * <p>A run is assembled from the api as any program would: the config (the references, the
 * experiment's base, the user's config, the arm's overrides, the seed), {@link
 * Alexnet4j#createInjector} for the backend the config names and the layer types of its modules,
 * the network on the backend's first configured device, and a {@link Trainer} fed by {@link
 * ImageLoader}s. No checkpoints are written.
 */
public final class ExperimentRunner {
  /** Points of the training curve per epoch. */
  static final int CURVE_POINTS_PER_EPOCH = 20;

  private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

  private final PrintStream console;
  private final boolean interactive;

  /** Progress on {@code console}, redrawn in place when the JVM has a terminal. */
  public ExperimentRunner(PrintStream console) {
    this(console, System.console() != null);
  }

  /**
   * @param interactive redraw the progress bar in place (a terminal) rather than print log lines
   */
  public ExperimentRunner(PrintStream console, boolean interactive) {
    this.console = console;
    this.interactive = interactive;
  }

  /**
   * The experiment's resolved config under the options, before any arm: the data folder and {@code
   * --epochs} over the user's config, over the experiment's base, over every reference.conf.
   */
  static Config baseConfig(Experiment experiment, ExperimentOptions options) {
    Config top =
        ConfigFactory.empty()
            .withValue(
                "alexnet4j.augment.data.root",
                ConfigValueFactory.fromAnyRef(options.data().toString()));
    if (options.epochs() != null) {
      top =
          top.withValue("alexnet4j.train.epochs", ConfigValueFactory.fromAnyRef(options.epochs()));
    }
    try {
      return top.withFallback(options.user())
          .withFallback(experiment.baseConfig())
          .withFallback(ConfigFactory.defaultReferenceUnresolved())
          .resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException("config", e.getMessage(), e);
    }
  }

  /**
   * One arm's effective config under seed {@code seedIndex}: the arm's overrides over the base,
   * {@code alexnet4j.seed} and {@code alexnet4j.augment.seed} moved on by the seed index (the same
   * seeds for every arm), and the model's output set to {@code classes}.
   */
  static Config armConfig(Config base, Arm arm, int seedIndex, int classes) {
    Config seeds =
        ConfigFactory.empty()
            .withValue(
                "alexnet4j.seed",
                ConfigValueFactory.fromAnyRef(base.getLong("alexnet4j.seed") + seedIndex))
            .withValue(
                "alexnet4j.augment.seed",
                ConfigValueFactory.fromAnyRef(base.getLong("alexnet4j.augment.seed") + seedIndex));
    Config config;
    try {
      config = seeds.withFallback(arm.edit().overrides(base)).withFallback(base).resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException("config", e.getMessage(), e);
    }
    return LayerEdits.withClasses(config, classes);
  }

  /**
   * Runs every arm under every seed and compares them.
   *
   * @throws ExperimentException when the data cannot serve (no validation part, fewer images than a
   *     batch)
   */
  public ExperimentResult run(Experiment experiment, ExperimentOptions options) throws IOException {
    long started = System.nanoTime();
    Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Config base = baseConfig(experiment, options);
    Files.createDirectories(options.out());
    Path cache = options.out().resolve("statistics");

    DataSets sets = DataSets.open(base);
    ImageDataset wholeValidation =
        sets.validation()
            .orElseThrow(
                () ->
                    new ExperimentException(
                        "the data in "
                            + options.data()
                            + " has no validation part (IDX: t10k-images-idx3-ubyte; folders:"
                            + " val/<class>/): the experiments compare validation error"));
    SubsetDataset train = SubsetDataset.evenly(sets.train(), options.trainImages(), cache);
    SubsetDataset validation =
        SubsetDataset.evenly(wholeValidation, options.validationImages(), cache);
    SubsetDataset trainingSet =
        experiment.evaluateTrainingSet()
            ? SubsetDataset.evenly(train, Math.min(options.validationImages(), train.size()), cache)
            : null;
    int classes = train.classNames().size();
    TrainingSettings settings = TrainingSettings.from(base);
    if (train.size() < settings.batch()) {
      throw new ExperimentException(
          "the training data in "
              + options.data()
              + " has "
              + train.size()
              + " images, fewer than one batch of "
              + settings.batch()
              + " (alexnet4j.train.batch)");
    }
    int runs = experiment.arms().size() * options.seeds();
    long totalSteps = (long) runs * settings.epochs() * (train.size() / settings.batch());

    Map<String, List<RunRecord>> byArm = new LinkedHashMap<>();
    experiment.arms().forEach(a -> byArm.put(a.name(), new ArrayList<>()));
    List<Long> seeds = new ArrayList<>();
    console.printf(
        Locale.ROOT,
        "%s: %s vs %s, %d seeds x %d epochs on %d of %d training images and %d of %d validation"
            + " images (%d classes) from %s; output in %s%n",
        experiment.name(),
        experiment.arms().get(0).name(),
        experiment.arms().get(1).name(),
        options.seeds(),
        settings.epochs(),
        train.size(),
        train.wholeSize(),
        validation.size(),
        validation.wholeSize(),
        classes,
        options.data(),
        options.out());
    console.flush();
    try (ExperimentProgress progress =
        new ExperimentProgress(console, interactive, experiment.name(), totalSteps)) {
      int index = 0;
      for (int s = 0; s < options.seeds(); s++) {
        for (Arm arm : experiment.arms()) {
          Config config = armConfig(base, arm, s, classes);
          if (s == 0) {
            // What each arm trained, as it would be given to `alexnet4j train --config`.
            writeConfig(options.out().resolve("configs").resolve(arm.name() + ".conf"), config);
          }
          if (arm == experiment.arms().get(0)) {
            seeds.add(config.getLong("alexnet4j.seed"));
          }
          progress.beginRun(index++, runs, arm.name(), s, options.seeds());
          RunRecord record =
              runOne(experiment, arm, s, config, train, validation, trainingSet, progress);
          byArm.get(arm.name()).add(record);
          String summary = runSummary(record);
          LOG.info("{}: {}", experiment.name(), summary);
          progress.endRun(summary);
        }
      }
    }
    List<ArmResult> arms = new ArrayList<>();
    for (Arm arm : experiment.arms()) {
      arms.add(new ArmResult(arm.name(), arm.description(), byArm.get(arm.name())));
    }
    List<Row> rows = compare(experiment, arms);
    String dataRoot = options.data().toAbsolutePath().toString();
    ExperimentResult.Data data =
        new ExperimentResult.Data(
            dataRoot,
            dataRoot.toLowerCase(Locale.ROOT).contains("fashion"),
            classes,
            train.size(),
            train.wholeSize(),
            validation.size(),
            validation.wholeSize());
    return new ExperimentResult(
        experiment.name(),
        experiment.title(),
        experiment.section(),
        experiment.claim(),
        experiment.compared(),
        data,
        settings.epochs(),
        experiment.trainingErrorTarget(),
        seeds,
        base.getString("alexnet4j.backend"),
        arms,
        rows,
        overall(rows),
        experiment.datasetNote(),
        startedAt.toString(),
        (System.nanoTime() - started) / 1e9);
  }

  private RunRecord runOne(
      Experiment experiment,
      Arm arm,
      int seedIndex,
      Config config,
      ImageDataset train,
      ImageDataset validation,
      ImageDataset trainingSet,
      ExperimentProgress progress) {
    long started = System.nanoTime();
    Injector injector = Alexnet4j.createInjector(config);
    NetworkSpec spec = injector.getInstance(NetworkParser.class).parse();
    AugmentSettings augment = AugmentSettings.from(config);
    int crop = augment.preprocess().cropSize();
    if (!spec.input().equals(Shape.of(3, crop, crop))) {
      throw new ExperimentException(
          "arm "
              + arm.name()
              + ": the model takes "
              + spec.input()
              + " but the loader delivers 3 x "
              + crop
              + " x "
              + crop
              + " (alexnet4j.augment.preprocess.crop-size)");
    }
    TrainingSettings settings = TrainingSettings.from(config);
    long seed = config.getLong("alexnet4j.seed");
    long augmentSeed = config.getLong("alexnet4j.augment.seed");
    DatasetStatistics stats = StatisticsCache.loadOrCompute(train, augment);
    // Validation looks at the centre crop only, as `train` does during training.
    AugmentSettings centre =
        AugmentSettings.from(
            config.withValue(
                "alexnet4j.augment.eval.views", ConfigValueFactory.fromAnyRef("center")));
    RunRecorder recorder;
    String failure = null;
    try (Backend backend = injector.getInstance(Backend.class)) {
      Device device = DeviceSettings.from(config).resolve(backend.devices()).get(0);
      try (Network network = spec.build(backend, device, settings.batch(), seed);
          Trainer trainer = new Trainer(backend, network, settings, seed);
          ImageLoader trainLoader = ImageLoader.training(train, stats, augment);
          ImageLoader validationLoader = ImageLoader.evaluation(validation, stats, centre);
          ImageLoader trainingSetLoader =
              trainingSet == null ? null : ImageLoader.evaluation(trainingSet, stats, centre)) {
        recorder =
            new RunRecorder(
                settings.batch(),
                experiment.trainingErrorTarget(),
                trainingSetLoader == null
                    ? null
                    : () -> trainer.evaluate(trainingSetLoader).top1Error());
        trainer.addListener(recorder);
        trainer.addListener(progress);
        try {
          trainer.fit(trainLoader, validationLoader);
        } catch (NonFiniteException diverged) {
          // A diverged run is a result of the arm, not a failure of the experiment: recorded, and
          // its figures count as missing.
          LOG.warn(
              "{}: {} seed {} diverged: {}",
              experiment.name(),
              arm.name(),
              seed,
              diverged.getMessage());
          failure = "diverged: " + diverged.getMessage();
        }
      }
    }
    return recorder.record(
        arm.name(), seedIndex, seed, augmentSeed, (System.nanoTime() - started) / 1e9, failure);
  }

  private static String runSummary(RunRecord r) {
    if (!r.completed()) {
      return String.format(
          Locale.ROOT,
          "%s seed %d: %s, %s",
          r.arm(),
          r.seed(),
          r.failure() != null ? "diverged" : "no epoch",
          Format.duration(r.wallSeconds()));
    }
    String s =
        String.format(
            Locale.ROOT,
            "%s seed %d: validation top-1 %s, %s",
            r.arm(),
            r.seed(),
            Format.value(r.last().validationTop1(), Measure.Unit.ERROR),
            Format.duration(r.wallSeconds()));
    if (r.reachedTarget()) {
      s += String.format(Locale.ROOT, ", target at %.2f epochs", r.targetEpochs());
    }
    return s;
  }

  /** One row per measure: each arm over its seeds, and the verdict. */
  static List<Row> compare(Experiment experiment, List<ArmResult> arms) {
    List<Row> rows = new ArrayList<>();
    for (Measure m : experiment.measures()) {
      List<Summary> summaries = new ArrayList<>();
      for (ArmResult arm : arms) {
        List<Double> values = new ArrayList<>();
        int censored = 0;
        for (RunRecord r : arm.runs()) {
          if (!r.completed()) {
            // A diverged run has no figure: the row cannot be judged.
            values.add(Double.NaN);
            continue;
          }
          values.add(m.value().applyAsDouble(r));
          if (m.censored().test(r)) {
            censored++;
          }
        }
        summaries.add(Summary.of(values, censored));
      }
      Verdict.Judgement j =
          Verdict.judge(summaries.get(0), summaries.get(1), m.expectation(), m.unit());
      String reason = j.reason();
      if (m.unit() != Measure.Unit.ERROR
          && summaries.get(0).mean() > 0
          && Double.isFinite(summaries.get(1).mean())) {
        reason +=
            String.format(
                Locale.ROOT,
                "; %s / %s = %.2fx",
                arms.get(1).name(),
                arms.get(0).name(),
                summaries.get(1).mean() / summaries.get(0).mean());
      }
      long stopped =
          arms.stream().flatMap(a -> a.runs().stream()).filter(r -> !r.completed()).count();
      if (stopped > 0) {
        reason +=
            "; " + stopped + " run" + (stopped == 1 ? "" : "s") + " diverged and gave no figure";
      }
      if (summaries.stream().anyMatch(s -> s.censored() > 0)) {
        reason += "; a run that never reached the target counts as its whole length (a bound)";
      }
      rows.add(
          new Row(
              m.name(),
              m.unit(),
              m.claim(),
              m.judged(),
              summaries,
              j.difference(),
              j.spread(),
              j.verdict(),
              reason));
    }
    return rows;
  }

  /** The judged rows' verdict: one word when they agree with each other, else each named. */
  static String overall(List<Row> rows) {
    List<Row> judged = rows.stream().filter(Row::judged).toList();
    Set<Verdict> verdicts = new LinkedHashSet<>();
    judged.forEach(r -> verdicts.add(r.verdict()));
    if (verdicts.isEmpty()) {
      return Verdict.NOT_JUDGED.label();
    }
    if (verdicts.size() == 1) {
      return verdicts.iterator().next().label();
    }
    List<String> parts = new ArrayList<>();
    for (Row r : judged) {
      parts.add(r.verdict().label() + " (" + r.measure() + ")");
    }
    return "mixed: " + String.join("; ", parts);
  }

  private static void writeConfig(Path file, Config config) throws IOException {
    Files.createDirectories(file.getParent());
    String text =
        config
            .getConfig("alexnet4j")
            .atPath("alexnet4j")
            .root()
            .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
