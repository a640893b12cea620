package dev.alexnet4j.experiments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Objects;

/**
 * One of the paper's design experiments: two arms (the paper's choice first) trained under the same
 * seeds on the same data, the measures compared and the paper's claim about them.
 *
 * @param name the command-line name, e.g. {@code lrn}
 * @param title a few words
 * @param section where the paper makes the claim, e.g. "Section 3.3"
 * @param claim the paper's claim in our words
 * @param compared what the two arms are
 * @param base the experiment's config (HOCON) over every reference.conf: model, data handling,
 *     training recipe
 * @param arms the paper's choice first, then the alternative
 * @param measures the rows of the results table
 * @param defaultEpochs epochs when none are asked for
 * @param trainingErrorTarget a training error (fraction) whose first crossing is timed, or NaN
 * @param evaluateTrainingSet whether each epoch also evaluates a fixed part of the training set
 *     without dropout or augmentation (for overfitting measures)
 * @param datasetNote where Fashion-MNIST differs from ImageNet (or CIFAR-10) enough to matter here
 */
public record Experiment(
    String name,
    String title,
    String section,
    String claim,
    String compared,
    String base,
    List<Arm> arms,
    List<Measure> measures,
    int defaultEpochs,
    double trainingErrorTarget,
    boolean evaluateTrainingSet,
    String datasetNote) {

  public Experiment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(base, "base");
    arms = List.copyOf(arms);
    measures = List.copyOf(measures);
    if (arms.size() != 2) {
      throw new IllegalArgumentException(name + ": an experiment compares two arms");
    }
    if (defaultEpochs < 1) {
      throw new IllegalArgumentException(name + ": defaultEpochs must be at least 1");
    }
  }

  /** The base config, parsed (unresolved: the references fill it in). */
  public Config baseConfig() {
    return ConfigFactory.parseString(base);
  }

  /** The arm named {@code armName}. */
  public Arm arm(String armName) {
    return arms.stream()
        .filter(a -> a.name().equals(armName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no arm " + armName));
  }
}
