package dev.alexnet4j.api.train;

import com.typesafe.config.Config;
import dev.alexnet4j.api.config.ConfigValues;
import dev.alexnet4j.api.config.ConfigurationException;
import java.util.List;

/**
 * {@code alexnet4j.train}: the paper's recipe by default (batch 128, momentum 0.9, weight decay
 * 0.0005, rate 0.01 divided by 10 on plateaus, at most three times).
 */
public record TrainingSettings(
    int epochs,
    int batch,
    float learningRate,
    float momentum,
    float weightDecay,
    String schedule,
    int stepEveryEpochs,
    double stepGamma,
    int plateauPatience,
    double plateauFactor,
    int plateauMaxReductions,
    int checkFiniteEvery,
    int keepLastCheckpoints,
    int checkpointEverySteps) {

  static final List<String> SCHEDULES = List.of("constant", "step", "plateau");
  private static final String ROOT = "alexnet4j.train";

  public static TrainingSettings from(Config config) {
    ConfigValues v = new ConfigValues(config.getConfig(ROOT), ROOT);
    String schedule = v.string("schedule");
    if (!SCHEDULES.contains(schedule)) {
      throw new ConfigurationException(
          v.path("schedule"),
          "unknown schedule '" + schedule + "' (allowed: " + String.join(", ", SCHEDULES) + ")");
    }
    double rate = v.number("learning-rate");
    double momentum = v.number("momentum");
    double decay = v.number("weight-decay");
    requireNonNegative(v, "learning-rate", rate);
    requireNonNegative(v, "momentum", momentum);
    requireNonNegative(v, "weight-decay", decay);
    double gamma = v.number("step.gamma");
    double factor = v.number("plateau.factor");
    if (!(factor > 0 && factor < 1)) {
      throw new ConfigurationException(
          v.path("plateau.factor"), "must be in (0, 1), got " + factor);
    }
    if (!(gamma > 0)) {
      throw new ConfigurationException(v.path("step.gamma"), "must be > 0, got " + gamma);
    }
    return new TrainingSettings(
        v.positive("epochs"),
        v.positive("batch"),
        (float) rate,
        (float) momentum,
        (float) decay,
        schedule,
        v.positive("step.every-epochs"),
        gamma,
        v.positive("plateau.patience"),
        factor,
        v.nonNegative("plateau.max-reductions"),
        v.nonNegative("check-finite-every"),
        v.positive("checkpoint.keep-last"),
        v.nonNegative("checkpoint.every-steps"));
  }

  /** A fresh schedule as configured. */
  public LearningRateSchedule newSchedule() {
    return switch (schedule) {
      case "constant" -> new ConstantSchedule(learningRate);
      case "step" -> new StepSchedule(learningRate, stepGamma, stepEveryEpochs);
      case "plateau" ->
          new PlateauSchedule(learningRate, plateauFactor, plateauPatience, plateauMaxReductions);
      default -> throw new IllegalStateException("unknown schedule " + schedule);
    };
  }

  private static void requireNonNegative(ConfigValues v, String key, double value) {
    if (!(value >= 0)) {
      throw new ConfigurationException(v.path(key), "must be >= 0, got " + value);
    }
  }
}
