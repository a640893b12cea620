package dev.alexnet4j.backend.nd4j.integration;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.network.Network;
import dev.alexnet4j.api.tensor.Tensor;
import dev.alexnet4j.api.testing.BarsProblem;
import dev.alexnet4j.api.train.Sgd;

/** A plain SGD loop over {@link BarsProblem} batches, and accuracy on fresh samples. */
final class TrainingRun {
  private final Backend backend;
  private final Network network;
  private final BarsProblem problem;
  private final float[] images;
  private final int[] labels;
  private final Tensor input;

  TrainingRun(Backend backend, Network network, BarsProblem problem) {
    this.backend = backend;
    this.network = network;
    this.problem = problem;
    this.images = new float[Math.toIntExact(network.inputShape().size())];
    this.labels = new int[network.inputShape().batch()];
    this.input = backend.zeros(backend.devices().get(0), network.inputShape());
  }

  /** Trains {@code steps} steps and returns the mean loss of the first and of the last ten. */
  float[] train(int steps, SgdHyperparameters hyperparameters, long seed) {
    float first = 0;
    float last = 0;
    try (Sgd sgd = new Sgd(backend, network.parameters().values())) {
      for (int step = 0; step < steps; step++) {
        problem.fill(images, labels);
        backend.upload(images, input);
        network.forward(input, Pass.training(seed, step));
        float loss = network.loss(labels);
        if (!Float.isFinite(loss)) {
          throw new AssertionError("loss became " + loss + " at step " + step);
        }
        network.backward(labels);
        sgd.step(hyperparameters);
        if (step < 10) {
          first += loss / 10;
        }
        if (step >= steps - 10) {
          last += loss / 10;
        }
      }
    }
    return new float[] {first, last};
  }

  /** Top-1 accuracy on {@code batches} fresh batches, inference mode. */
  double accuracy(int batches) {
    int correct = 0;
    int total = 0;
    for (int b = 0; b < batches; b++) {
      problem.fill(images, labels);
      backend.upload(images, input);
      float[] p = backend.download(network.forward(input, Pass.inference()));
      int classes = p.length / labels.length;
      for (int n = 0; n < labels.length; n++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (p[n * classes + c] > p[n * classes + best]) {
            best = c;
          }
        }
        correct += best == labels[n] ? 1 : 0;
        total++;
      }
    }
    return (double) correct / total;
  }
}
