package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.layer.LossLayer;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The end of the towers: the last layer's output slices (fc8's logits) are gathered on the first
 * tower and the loss, if any, is computed once there. Backward cuts the logits' gradient into the
 * towers' slices and sends each to its tower.
 */
final class OutputStage implements AutoCloseable {
  private static final int HOME = 0;

  private final Backend backend;
  private final Towers towers;
  private final ChannelConcatPlan concat;
  private final LossLayer loss;
  private final Tensor[] received;
  private final Tensor[] gradients;
  private Tensor logits;

  /**
   * @param loss built on the first tower for the whole logits, or null for no loss
   */
  OutputStage(Backend backend, Towers towers, List<Shape> slices, LossLayer loss) {
    this.backend = backend;
    this.towers = towers;
    this.concat = backend.channelConcat(towers.device(HOME), slices);
    this.loss = loss;
    int n = towers.count();
    this.received = new Tensor[n];
    this.gradients = new Tensor[n];
    for (int t = 0; t < n; t++) {
      if (t != HOME) {
        received[t] = backend.zeros(towers.device(HOME), slices.get(t));
        gradients[t] = backend.zeros(towers.device(t), slices.get(t));
      }
    }
  }

  /** The network's output on the first tower: probabilities with a loss, else the logits. */
  CompletableFuture<Tensor> forward(List<CompletableFuture<Tensor>> inputs, Pass pass) {
    return towers.afterAll(
        inputs,
        HOME,
        "gather-logits",
        () -> {
          List<Tensor> parts = new ArrayList<>(inputs.size());
          for (int t = 0; t < inputs.size(); t++) {
            Tensor slice = Towers.join(inputs.get(t));
            if (t != HOME) {
              backend.copy(slice, received[t]);
              slice = received[t];
            }
            parts.add(slice);
          }
          logits = concat.forward(parts);
          return loss == null ? logits : loss.forward(logits, pass);
        });
  }

  /** The whole logits of the last forward, on the first tower. */
  Tensor logits() {
    return logits;
  }

  LossLayer loss() {
    return loss;
  }

  float lossValue(int[] labels) {
    return Towers.join(towers.submit(HOME, "loss", () -> loss.loss(labels)));
  }

  /** Starts backpropagation: per tower, the gradient of its logits slice. */
  List<CompletableFuture<Tensor>> backward(int[] labels) {
    CompletableFuture<List<Tensor>> cut =
        towers.submit(HOME, "loss:backward", () -> concat.backward(loss.backward(labels)));
    List<CompletableFuture<Tensor>> out = new ArrayList<>();
    for (int t = 0; t < towers.count(); t++) {
      int tower = t;
      out.add(
          towers.then(
              cut,
              t,
              "scatter-logits:backward",
              parts -> {
                if (tower == HOME) {
                  return parts.get(HOME);
                }
                backend.copy(parts.get(tower), gradients[tower]);
                return gradients[tower];
              }));
    }
    return out;
  }

  @Override
  public void close() {
    if (loss != null) {
      loss.close();
    }
    concat.close();
    for (int t = 0; t < received.length; t++) {
      if (received[t] != null) {
        received[t].close();
        gradients[t].close();
      }
    }
  }
}
