package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.Checkpoint;
import dev.alexnet4j.api.checkpoint.CheckpointStore;
import dev.alexnet4j.api.checkpoint.CheckpointTensors;
import dev.alexnet4j.api.data.Batch;
import dev.alexnet4j.api.data.BatchIterator;
import dev.alexnet4j.api.data.DataSource;
import dev.alexnet4j.api.distributed.Collective;
import dev.alexnet4j.api.distributed.LocalCollective;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Trains a network with the paper's recipe: epochs of SGD with momentum and weight decay over a
 * data source, a validation pass after each epoch, the learning-rate schedule, top-1 and top-5
 * error, and a stop with a named culprit when values stop being finite.
 *
 * <p>Everything random in a step is keyed by (seed, step) or (seed, epoch): dropout masks by {@link
 * Pass}, data order by the data source. So a run resumed from a checkpoint continues exactly as if
 * it had never stopped.
 */
public final class Trainer implements AutoCloseable {
  private final TrainableNetwork model;
  private final SingleDeviceNetwork owned;
  private final TrainingSettings settings;
  private final long seed;
  private final LearningRateSchedule schedule;
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private final int classes;
  private static final String STATE_SCHEDULE = "schedule";
  private static final String STATE_BATCH_IN_EPOCH = "batch-in-epoch";
  private static final String STATE_SEED = "seed";
  private volatile boolean stopRequested;
  private DataParallelRanks ranks = new DataParallelRanks(new LocalCollective(), 1);
  private CheckpointStore checkpoints;
  private String configText = "";
  private Path lastCheckpoint;

  private int epoch;
  private long step;
  private int batchInEpoch;
  private final ErrorCounter epochCounter = new ErrorCounter();
  private final ErrorCounter stepCounter = new ErrorCounter();

  /** Trains a network on its one device (the network stays the caller's to close). */
  public Trainer(Backend backend, Network network, TrainingSettings settings, long seed) {
    this(new SingleDeviceNetwork(backend, network), settings, seed, true);
  }

  /**
   * Trains any arrangement of a network: one device, or split over several.
   *
   * @param model stays the caller's to close
   */
  public Trainer(TrainableNetwork model, TrainingSettings settings, long seed) {
    this(model, settings, seed, false);
  }

  private Trainer(TrainableNetwork model, TrainingSettings settings, long seed, boolean owns) {
    this.model = model;
    this.owned = owns ? (SingleDeviceNetwork) model : null;
    this.settings = settings;
    this.seed = seed;
    this.classes = model.classes();
    this.schedule = settings.newSchedule();
  }

  public void addListener(TrainingListener listener) {
    listeners.add(listener);
  }

  /**
   * Trains as one rank of a data-parallel job across processes (launched by {@code mpirun}): each
   * rank takes its shard of every step's batch (the model's batch is the rank's share), the weights
   * start as rank 0's, gradients are averaged over the ranks every step, validation counts are
   * summed, and only rank 0 writes checkpoints. Call before {@link #fit} and after {@link #resume}.
   *
   * @param syncEvery 1 averages gradients every step (the single-process run on the whole batch); K
   *     > 1 lets each rank step alone and averages the weights every K steps
   */
  public void distributeOver(Collective collective, int syncEvery) {
    this.ranks = new DataParallelRanks(collective, syncEvery);
  }

  /** Asks the run to stop after the current step (e.g. from a Ctrl-C handler); thread-safe. */
  public void requestStop() {
    stopRequested = true;
  }

  /** What is trained: the network with its optimizer state. */
  public TrainableNetwork model() {
    return model;
  }

  public LearningRateSchedule schedule() {
    return schedule;
  }

  /** The epoch the next step belongs to, from 0. */
  public int epoch() {
    return epoch;
  }

  /** Steps done so far. */
  public long step() {
    return step;
  }

  /** Batches of the current epoch already done (non-zero only after a stop mid-epoch). */
  public int batchInEpoch() {
    return batchInEpoch;
  }

  /**
   * Writes checkpoints into {@code store}: after every epoch (the best by validation top-1 error
   * kept apart), every {@code checkpoint.every-steps} steps, and when a requested stop ends the
   * run.
   *
   * @param configText the effective config, stored in each checkpoint
   */
  public void checkpointTo(CheckpointStore store, String configText) {
    this.checkpoints = store;
    this.configText = configText;
  }

  /** The last checkpoint written, or null. */
  public Path lastCheckpoint() {
    return lastCheckpoint;
  }

  /**
   * Continues the run a checkpoint saved: weights, momentum, position and schedule. Nothing is
   * changed when the checkpoint does not fit the network.
   */
  public void resume(Checkpoint checkpoint) {
    CheckpointTensors.requireFits(checkpoint, Checkpoint.shapes(model.parameters()));
    model.restore(checkpoint.parameters(), checkpoint.optimizerState());
    Map<String, String> state = checkpoint.state();
    schedule.restore(state.getOrDefault(STATE_SCHEDULE, schedule.state()));
    this.epoch = checkpoint.epoch();
    this.step = checkpoint.step();
    this.batchInEpoch = Integer.parseInt(state.getOrDefault(STATE_BATCH_IN_EPOCH, "0"));
  }

  /** A checkpoint of the run as it stands, between steps. */
  public Checkpoint capture() {
    return new Checkpoint(
        configText,
        epoch,
        step,
        Map.of(
            STATE_SCHEDULE,
            schedule.state(),
            STATE_BATCH_IN_EPOCH,
            Integer.toString(batchInEpoch),
            STATE_SEED,
            Long.toString(seed)),
        model.parameters(),
        model.velocities());
  }

  private void saveCheckpoint(double validationError) {
    if (checkpoints == null || !ranks.isRoot()) {
      return;
    }
    // The history up to this step is written before the checkpoint that resumes after it.
    listeners.forEach(l -> l.checkpointing(step));
    try {
      Checkpoint c = capture();
      lastCheckpoint =
          Double.isNaN(validationError)
              ? checkpoints.save(c)
              : checkpoints.save(c, validationError);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write a checkpoint at step " + step + " into " + checkpoints.directory(), e);
    }
  }

  /**
   * Trains until {@code settings.epochs()} epochs are done or a stop is requested.
   *
   * @param validation evaluated after each epoch; null for none
   * @return the last epoch's report, or null when no epoch ended
   */
  public EpochReport fit(DataSource wholeTrain, DataSource wholeValidation) {
    requireCompatible(wholeTrain, "training");
    if (wholeValidation != null) {
      requireCompatible(wholeValidation, "validation");
    }
    int batch = model.inputShape().batch();
    DataSource train = ranks.trainingShard(wholeTrain, batch);
    DataSource validation = wholeValidation;
    ranks.broadcastState(model);
    EpochReport last = null;
    String reason = "finished " + settings.epochs() + " epochs";
    try {
      while (epoch < settings.epochs()) {
        EpochReport report = runEpoch(train, wholeTrain.size(), validation);
        if (report == null) {
          saveCheckpoint(Double.NaN);
          reason = "stopped at step " + step + " on request";
          break;
        }
        last = report;
      }
    } catch (RuntimeException e) {
      listeners.forEach(l -> l.runEnded("failed at step " + step + ": " + e.getMessage()));
      throw e;
    }
    String why = reason;
    listeners.forEach(l -> l.runEnded(why));
    return last;
  }

  private EpochReport runEpoch(DataSource train, long wholeSize, DataSource validation) {
    int batch = model.inputShape().batch();
    int batchesInEpoch = Math.toIntExact(train.size() / batch);
    if (batchesInEpoch == 0) {
      throw new NoTrainingStepException(
          "the training set has " + train.size() + " samples, fewer than one batch of " + batch);
    }
    long started = System.nanoTime();
    if (batchInEpoch == 0) {
      epochCounter.reset();
    }
    long skippedFiles;
    try (BatchIterator batches = train.epoch(epoch, batch)) {
      // After a stop mid-epoch, the data order is the same; skip what was already trained on.
      for (int skipped = 0; skipped < batchInEpoch && batches.hasNext(); skipped++) {
        batches.next().close();
      }
      long lastEnd = System.nanoTime();
      while (true) {
        boolean wanted = batchInEpoch < batchesInEpoch && !stopRequested;
        Batch next = wanted && batches.hasNext() ? batches.next() : null;
        // A partial last batch would change the step's statistics; it is dropped. Every rank
        // must agree, or one would wait forever in a step the others never take (a shard can
        // run short when files are skipped).
        int go = ranks.agreeOnStep(next != null && next.count() == batch, stopRequested);
        if (go <= 0) {
          if (next != null) {
            next.close();
          }
          if (go < 0) {
            stopRequested = true;
            return null;
          }
          break;
        }
        try (Batch b = next) {
          StepReport report = trainStep(b, batchesInEpoch, lastEnd);
          listeners.forEach(l -> l.stepEnded(report));
          if (settings.checkpointEverySteps() > 0
              && step % settings.checkpointEverySteps() == 0
              && batchInEpoch < batchesInEpoch) {
            saveCheckpoint(Double.NaN);
          }
          lastEnd = System.nanoTime();
        }
      }
      if (!stopRequested) {
        // Try the rest of the epoch too, so the count of unreadable files is the epoch's.
        while (batches.hasNext()) {
          batches.next().close();
        }
      }
      skippedFiles = batches.skipped();
    }
    if (stopRequested) {
      return null;
    }
    skippedFiles = ranks.sum(skippedFiles);
    if (batchInEpoch == 0) {
      // Every epoch would end the same way: fail rather than report a run that learnt nothing.
      throw new NoTrainingStepException(
          "epoch "
              + epoch
              + " trained no step: "
              + (skippedFiles > 0
                  ? skippedFiles
                      + " of "
                      + wholeSize
                      + " training images could not be read (the log names each and why),"
                      + " and the rest"
                  : "the " + wholeSize + " training images")
              + " do not fill one batch of "
              + batch * ranks.worldSize()
              + "; fix or remove the unreadable files, or lower the batch size");
    }
    Evaluation val =
        validation == null
            ? new Evaluation(0, Double.NaN, Double.NaN, Double.NaN)
            : evaluate(validation);
    float rate = schedule.rate();
    schedule.epochEnded(epoch, val.top1Error());
    double seconds = (System.nanoTime() - started) / 1e9;
    // Across processes: the whole job's training figures, every rank's shard counted.
    Evaluation trained =
        ranks.combine(
            new Evaluation(
                epochCounter.samples(),
                epochCounter.meanLoss(),
                epochCounter.top1Error(),
                epochCounter.top5Error()));
    EpochReport report =
        new EpochReport(
            epoch,
            step,
            trained.loss(),
            trained.top1Error(),
            trained.top5Error(),
            val.loss(),
            val.top1Error(),
            val.top5Error(),
            rate,
            trained.samples() / seconds,
            skippedFiles,
            seconds);
    epoch++;
    batchInEpoch = 0;
    // The epoch is reported before its checkpoint is written, so a run resumed from that
    // checkpoint never lacks the epoch's record.
    listeners.forEach(l -> l.epochEnded(report));
    saveCheckpoint(val.top1Error());
    return report;
  }

  private StepReport trainStep(Batch b, int batchesInEpoch, long previousEnd) {
    float[] probabilities = model.forward(b.images(), Pass.training(seed, step));
    float loss = model.loss(b.labels());
    if (!Float.isFinite(loss)) {
      NonFiniteValue bad = model.firstNonFiniteLayer();
      throw new NonFiniteException(
          step, bad == null ? null : bad.layer(), "the loss is " + loss, schedule.rate());
    }
    int[][] ranked = rankRows(probabilities, b.count());
    model.backward(b.labels());
    ranks.exchangeGradients(model);
    if (settings.checkFiniteEvery() > 0 && step % settings.checkFiniteEvery() == 0) {
      NonFiniteValue bad = model.firstNonFiniteGradient();
      if (bad != null) {
        throw new NonFiniteException(step, bad.layer(), bad.what(), schedule.rate());
      }
    }
    float rate = schedule.rate();
    model.update(new SgdHyperparameters(rate, settings.momentum(), settings.weightDecay()));
    ranks.afterUpdate(model, step + 1);
    stepCounter.reset();
    stepCounter.add(ranked, b.labels(), b.count());
    epochCounter.add(ranked, b.labels(), b.count());
    epochCounter.addLoss(loss, b.count());
    double seconds = (System.nanoTime() - previousEnd) / 1e9;
    StepReport report =
        new StepReport(
            epoch,
            step,
            batchInEpoch,
            batchesInEpoch,
            loss,
            stepCounter.top1Error(),
            stepCounter.top5Error(),
            rate,
            // The job's rate: every rank takes a batch like this one in the same step.
            (double) b.count() * ranks.worldSize() / seconds);
    step++;
    batchInEpoch++;
    return report;
  }

  /** Each row's top-5 classes (fewer with fewer classes), best first. */
  private int[][] rankRows(float[] probabilities, int rows) {
    int[][] ranked = new int[rows][];
    float[] row = new float[classes];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(probabilities, r * classes, row, 0, classes);
      ranked[r] = Evaluator.rank(row, 5);
    }
    return ranked;
  }

  /**
   * Top-1 and top-5 error and mean loss over every sample of {@code data}, dropout off; a partial
   * last batch counts only its real samples.
   */
  public Evaluation evaluate(DataSource data) {
    requireCompatible(data, "evaluation");
    try (Evaluator evaluator = new Evaluator(model)) {
      // Across processes, each rank evaluates its shard and the counts are summed.
      EvaluationReport r =
          evaluator.evaluate(ranks.evaluationShard(data, model.inputShape().batch()));
      return ranks.combine(new Evaluation(r.images(), r.loss(), r.top1Error(), r.top5Error()));
    }
  }

  private void requireCompatible(DataSource data, String role) {
    Shape sample = model.inputShape().sample();
    if (!data.sampleShape().equals(sample)) {
      throw new IllegalArgumentException(
          "the "
              + role
              + " data delivers samples of "
              + data.sampleShape()
              + " but the network takes "
              + sample);
    }
    if (data.classNames().size() != classes) {
      throw new IllegalArgumentException(
          "the "
              + role
              + " data has "
              + data.classNames().size()
              + " classes but the network has "
              + classes
              + " outputs; set the class count in config to match");
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
