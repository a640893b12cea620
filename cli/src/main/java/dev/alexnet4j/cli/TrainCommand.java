package dev.alexnet4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.alexnet4j.alexnet.parallel.ParallelModes;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointFile;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.checkpoint.Npz;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.Collectives;
import dev.alexnet4j.api.train.EpochReport;
import dev.alexnet4j.api.train.TrainableNetwork;
import dev.alexnet4j.api.train.Trainer;
import dev.alexnet4j.api.train.TrainingSettings;
import dev.alexnet4j.augment.AugmentSettings;
import dev.alexnet4j.augment.DataSets;
import dev.alexnet4j.augment.DatasetStatistics;
import dev.alexnet4j.augment.ImageLoader;
import dev.alexnet4j.augment.StatisticsCache;
import dev.alexnet4j.cli.monitor.MetricsLog;
import dev.alexnet4j.cli.monitor.ProgressBars;
import dev.alexnet4j.cli.monitor.TrainingCharts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code alexnet4j train}: a training run into a run folder, resumable, stoppable with Ctrl-C. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the configured model (alexnet4j.model) with the paper's recipe.",
      "The run folder gets the effective config, the class index, the training-set statistics,"
          + " checkpoints (the last few and the best), metrics.jsonl and PNG charts.",
      "Ctrl-C stops after the current step and writes a checkpoint; --resume continues."
    })
final class TrainCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Images: DIR/train/<class>/* (+ DIR/val/<class>/*), or a folder of IDX files"
              + " (alexnet4j.augment.data.root).")
  Path data;

  @Option(names = "--model", description = "Model to train (alexnet4j.model), e.g. alexnet-small.")
  String model;

  @Option(names = "--epochs", description = "Epochs to train (alexnet4j.train.epochs).")
  Integer epochs;

  @Option(names = "--batch", description = "Images per step (alexnet4j.train.batch).")
  Integer batch;

  @Option(names = "--lr", description = "Initial learning rate (alexnet4j.train.learning-rate).")
  Double learningRate;

  @Option(
      names = "--devices",
      split = ",",
      paramLabel = "N",
      description =
          "Device indices (alexnet4j.devices), e.g. 0,1; on nd4j add"
              + " -Dalexnet4j.nd4j.virtual-devices=2 for two CPU devices.")
  int[] devices;

  @Option(
      names = "--parallel",
      paramLabel = "MODE",
      description =
          "How several devices share the work (alexnet4j.parallel): model (the paper's split),"
              + " data (replicas, gradients averaged) or hybrid (conv data-, fc model-parallel).")
  String parallel;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run folder (default: runs/<model>-<date-time>).")
  Path out;

  @Option(
      names = "--dist",
      paramLabel = "ENGINE",
      description =
          "Data-parallel training across processes (alexnet4j.distributed.collective): local (one"
              + " process, the default), mpi (launch with mpirun; CPU clusters) or nccl (mpirun"
              + " plus the cudnn backend; GPU clusters). alexnet4j.train.batch is the job's batch,"
              + " shared out over the ranks.")
  String dist;

  @Option(
      names = "--sync-every",
      paramLabel = "K",
      defaultValue = "1",
      description =
          "With --dist: 1 averages gradients every step (the one-process run on the job's batch);"
              + " K > 1 lets ranks step alone and averages weights every K steps (less traffic).")
  int syncEvery;

  @Option(
      names = "--resume",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "CHECKPOINT",
      description = "Continue from CHECKPOINT, or from the run folder's latest when none is given.")
  String resume;

  @Option(
      names = "--init-weights",
      paramLabel = "FILE.npz",
      description =
          "Fine-tune: start from these weights (a NumPy .npz, one array per parameter) instead of"
              + " random ones; every parameter must be there with its shape, or nothing is loaded."
              + " Not with --resume.")
  Path initWeights;

  @Override
  public Integer call() throws Exception {
    if (initWeights != null && resume != null) {
      throw new UserError(
          "--init-weights and --resume do not go together: --resume continues a run from its"
              + " checkpoint (weights, momentum, step), which would replace the initial weights;"
              + " give --init-weights to start a new run from them, or --resume alone");
    }
    // Read (and checked to be an .npz of float arrays) before anything else is done.
    Map<String, NpyArray> initial = null;
    if (initWeights != null) {
      if (!Files.isRegularFile(initWeights)) {
        throw new UserError("--init-weights " + initWeights.toAbsolutePath() + " does not exist");
      }
      initial = Npz.read(initWeights);
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    if (devices != null) {
      typed.put("alexnet4j.devices", Arrays.stream(devices).boxed().toList());
    }
    if (parallel != null) {
      typed.put(ParallelModes.KEY, parallel);
    }
    if (dist != null) {
      typed.put(Collectives.KEY, dist);
    }
    if (data != null) {
      typed.put("alexnet4j.augment.data.root", data.toString());
    }
    if (model != null) {
      typed.put("alexnet4j.model", model);
    }
    if (epochs != null) {
      typed.put("alexnet4j.train.epochs", epochs);
    }
    if (batch != null) {
      typed.put("alexnet4j.train.batch", batch);
    }
    if (learningRate != null) {
      typed.put("alexnet4j.train.learning-rate", learningRate);
    }
    Config loaded = options.load(typed);
    PrintWriter console = spec.commandLine().getOut();
    try (Collective ranks =
            Collectives.open(loaded, Thread.currentThread().getContextClassLoader());
        Session session = Session.open(RankGpu.forRank(loaded, ranks, devices != null))) {
      Config config = session.config;
      session.requireInputFitsCrops();
      TrainingSettings settings = TrainingSettings.from(config);
      int share = shareOfTheBatch(settings.batch(), ranks);
      boolean root = ranks.isRoot();
      RunFolder run = new RunFolder(out != null ? out : defaultRunFolder(config));
      // Whatever can refuse the run is checked before the run folder is touched, so a refused run
      // leaves no half-made folder behind.
      run.requireFolder("--out");
      DataSets sets = DataSets.open(config);
      String dataRoot = config.getString("alexnet4j.augment.data.root");
      session.requireClasses(sets.train().classNames().size(), dataRoot);
      if (sets.train().size() < settings.batch()) {
        throw new UserError(
            "the training set in "
                + dataRoot
                + " has "
                + sets.train().size()
                + " images, fewer than one batch of "
                + settings.batch()
                + ": lower alexnet4j.train.batch (--batch)");
      }
      Optional<Checkpoint> resumed = resumeFrom(run);
      DatasetStatistics stats = StatisticsCache.loadOrCompute(sets.train(), session.augment);
      // Validation during training looks at the centre crop only: one row per image, so the
      // training network's batch fits; the ten views are for `alexnet4j eval --ten-crop`.
      AugmentSettings validationSettings =
          AugmentSettings.from(
              config.withValue(
                  "alexnet4j.augment.eval.views", ConfigValueFactory.fromAnyRef("center")));

      try (TrainableNetwork network = session.buildTrainable(share, ranks.rank() * share);
          Trainer trainer = new Trainer(network, settings, session.seed);
          ImageLoader train = ImageLoader.training(sets.train(), stats, session.augment);
          ImageLoader validation =
              sets.validation()
                  .map(v -> ImageLoader.evaluation(v, stats, validationSettings))
                  .orElse(null)) {
        // Every rank reads the checkpoint (the run folder must be shared, or copied, across
        // machines): the position and schedule are each rank's own; the weights are rank 0's.
        resumed.ifPresent(trainer::resume);
        if (initial != null) {
          // Before step 0 and before the run folder is made: a mismatch leaves nothing behind.
          // The momentum starts at zero, as for random weights.
          TrainedModel.requireFitsShapes(
              initWeights, Checkpoint.shapes(initial), Checkpoint.shapes(network.parameters()));
          network.restore(initial, network.velocities());
        }
        RunFolder.Made made = null;
        if (root) {
          // Only rank 0 writes: the other ranks of a job read the same data and write nothing.
          made = run.create(session.renderedConfig(), sets.train().classNames(), stats);
          console.printf(
              "training %s on %s (%d images, %d classes%s), run folder %s%s%n",
              config.getString("alexnet4j.model"),
              dataRoot,
              sets.train().size(),
              sets.train().classNames().size(),
              sets.validation().map(v -> ", " + v.size() + " for validation").orElse(""),
              run.root(),
              ranks.size() > 1
                  ? String.format(
                      Locale.ROOT,
                      "; %d ranks (%s) of %d images each",
                      ranks.size(),
                      ranks.name(),
                      share)
                  : "");
          resumed.ifPresent(
              c -> console.printf("resumed at epoch %d, step %d%n", c.epoch(), c.step()));
          if (initWeights != null) {
            console.println("initial weights from " + initWeights);
          }
          CheckpointStore store =
              new CheckpointStore(run.checkpoints(), settings.keepLastCheckpoints());
          trainer.checkpointTo(store, session.renderedConfig());
        }
        trainer.distributeOver(ranks, syncEvery);
        long firstStep = trainer.step();
        // Ctrl-C asks the trainer to stop after its step; the JVM exits only once the stop line
        // below is printed.
        try (StopOnSignal stop = new StopOnSignal(trainer)) {
          EpochReport last;
          try {
            if (root) {
              PrintStream stream =
                  new PrintStream(new WriterOutputStream(console), true, StandardCharsets.UTF_8);
              try (ProgressBars bars = new ProgressBars(stream);
                  MetricsLog log = new MetricsLog(run.root())) {
                trainer.addListener(bars);
                trainer.addListener(log);
                trainer.addListener(new TrainingCharts(run.root()));
                last = trainer.fit(train, validation);
              }
            } else {
              last = trainer.fit(train, validation);
            }
          } catch (Exception e) {
            if (made != null && trainer.step() == firstStep && trainer.lastCheckpoint() == null) {
              // Failed before its first step: nothing of this run is worth keeping.
              made.undo();
            }
            throw e;
          }
          if (!root) {
            return 0;
          }
          console.printf(
              "%s at step %d; checkpoint %s%n",
              trainer.epoch() >= settings.epochs() ? "finished" : "stopped",
              trainer.step(),
              trainer.lastCheckpoint() == null ? "none written" : trainer.lastCheckpoint());
          if (last != null && !Double.isNaN(last.validationTop1Error())) {
            console.printf(
                Locale.ROOT,
                "validation top-1 error %.2f%%, top-5 error %.2f%%%n",
                100 * last.validationTop1Error(),
                100 * last.validationTop5Error());
          }
          console.flush();
        }
      }
    }
    return 0;
  }

  /** Each rank's rows of the configured batch, which is the job's. */
  private int shareOfTheBatch(int batch, Collective ranks) {
    if (syncEvery < 1) {
      throw new UserError("--sync-every must be at least 1, got " + syncEvery);
    }
    if (batch % ranks.size() != 0) {
      throw new UserError(
          "alexnet4j.train.batch = "
              + batch
              + " is the whole job's batch and must divide evenly over its "
              + ranks.size()
              + " ranks");
    }
    return batch / ranks.size();
  }

  private Optional<Checkpoint> resumeFrom(RunFolder run) throws IOException {
    if (resume == null) {
      return Optional.empty();
    }
    if (resume.isEmpty()) {
      if (out == null) {
        throw new UserError(
            "--resume without a checkpoint needs --out RUN_FOLDER (the folder of the run to"
                + " continue), or give the file: --resume FILE");
      }
      Optional<Path> latest = CheckpointStore.latestIn(run.checkpoints());
      if (latest.isEmpty()) {
        throw new UserError(
            "--resume: no checkpoint in " + run.checkpoints() + "; give one: --resume FILE");
      }
      return Optional.of(CheckpointFile.read(latest.get()));
    }
    return Optional.of(CheckpointFile.read(Path.of(resume)));
  }

  /**
   * While open, Ctrl-C (or any other JVM shutdown) asks the trainer to stop after its step, and the
   * shutdown waits until this is closed: after the trainer has saved its checkpoint and the command
   * has printed its last lines. (A hook that let the JVM go as soon as training returned raced the
   * main thread's stop line, and lost it now and then.)
   */
  static final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(Trainer trainer) {
      hook =
          new Thread(
              () -> {
                trainer.requestStop();
                try {
                  done.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "alexnet4j-stop");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already stopping (Ctrl-C): the hook is running and now lets it go on.
      }
    }
  }

  private static Path defaultRunFolder(Config config) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", config.getString("alexnet4j.model") + "-" + stamp);
  }
}
