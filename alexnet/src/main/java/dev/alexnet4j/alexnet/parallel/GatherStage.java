package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A full layer (the paper's conv3, fc6, fc7, fc8; also an LRN whose windows cross the split): each
 * tower first gathers every tower's input slice (the exchange point), concatenates them along the
 * channels into the whole input, and computes its own slice of the output from it.
 *
 * <p>Backward: each tower's inner layer gives a partial gradient of the whole input (its output
 * slice's share); the partial is cut into the towers' slices, and each tower sums the pieces of its
 * own slice from every tower. With a replicated input (the first layer, which reads the data) there
 * is nothing to gather; its input gradient, when asked for (the first fully connected layer of a
 * hybrid-parallel net), is each tower's partial gradient of the whole input, to be summed by the
 * caller.
 */
final class GatherStage implements Stage {
  private final String name;
  private final Backend backend;
  private final Towers towers;
  private final List<Layer> inner;
  private final boolean replicatedInput;
  private final boolean inputGradient;
  // [tower][source]: tower's copy of source's slice; null on the diagonal (used in place).
  private final Tensor[][] received;
  private final List<ChannelConcatPlan> concats;
  // [owner][source]: owner's copy of source's partial gradient of owner's slice; null diagonal.
  private final Tensor[][] partials;
  private final List<Tensor> sums;

  /**
   * @param inner one per tower: the layer on the whole input that yields that tower's output slice
   * @param slices the input slice shapes, in tower order; ignored for a replicated input
   */
  GatherStage(
      String name,
      Backend backend,
      Towers towers,
      List<Layer> inner,
      List<Shape> slices,
      boolean replicatedInput,
      boolean inputGradient) {
    this.name = name;
    this.backend = backend;
    this.towers = towers;
    this.inner = List.copyOf(inner);
    this.replicatedInput = replicatedInput;
    this.inputGradient = inputGradient;
    int n = towers.count();
    this.received = new Tensor[n][n];
    this.partials = new Tensor[n][n];
    this.concats = new ArrayList<>();
    this.sums = new ArrayList<>();
    if (replicatedInput) {
      return;
    }
    for (int t = 0; t < n; t++) {
      concats.add(backend.channelConcat(towers.device(t), slices));
      for (int s = 0; s < n; s++) {
        if (s != t) {
          received[t][s] = backend.zeros(towers.device(t), slices.get(s));
          if (inputGradient) {
            partials[t][s] = backend.zeros(towers.device(t), slices.get(t));
          }
        }
      }
      if (inputGradient) {
        sums.add(backend.zeros(towers.device(t), slices.get(t)));
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<CompletableFuture<Tensor>> forward(
      List<CompletableFuture<Tensor>> inputs, Pass pass) {
    List<CompletableFuture<Tensor>> out = new ArrayList<>(inner.size());
    for (int t = 0; t < inner.size(); t++) {
      int tower = t;
      if (replicatedInput) {
        out.add(towers.then(inputs.get(t), t, name, x -> inner.get(tower).forward(x, pass)));
      } else {
        out.add(
            towers.afterAll(
                inputs, t, name, () -> inner.get(tower).forward(gather(tower, inputs), pass)));
      }
    }
    return out;
  }

  /** The whole input on {@code tower}: its own slice in place, the others copied over. */
  private Tensor gather(int tower, List<CompletableFuture<Tensor>> inputs) {
    List<Tensor> parts = new ArrayList<>(inputs.size());
    for (int s = 0; s < inputs.size(); s++) {
      Tensor slice = Towers.join(inputs.get(s));
      if (s == tower) {
        parts.add(slice);
      } else {
        backend.copy(slice, received[tower][s]);
        parts.add(received[tower][s]);
      }
    }
    return concats.get(tower).forward(parts);
  }

  @Override
  public List<CompletableFuture<Tensor>> backward(List<CompletableFuture<Tensor>> gradients) {
    int n = inner.size();
    if (replicatedInput) {
      List<CompletableFuture<Tensor>> partials = new ArrayList<>(n);
      for (int t = 0; t < n; t++) {
        Layer layer = inner.get(t);
        partials.add(towers.then(gradients.get(t), t, name + ":backward", layer::backward));
      }
      if (!inputGradient) {
        // A first layer: run the parameter gradients, return no input gradient.
        Towers.joinAll(partials);
        return null;
      }
      return partials;
    }
    List<CompletableFuture<List<Tensor>>> pieces = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      int tower = t;
      pieces.add(
          towers.then(
              gradients.get(t),
              t,
              name + ":backward",
              dy -> {
                Tensor whole = inner.get(tower).backward(dy);
                if (whole == null) {
                  return null;
                }
                return concats.get(tower).backward(whole);
              }));
    }
    if (sums.isEmpty()) {
      Towers.joinAll(pieces);
      return null;
    }
    List<CompletableFuture<Tensor>> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      int owner = t;
      out.add(towers.afterAll(pieces, t, name + ":reduce", () -> reduce(owner, pieces)));
    }
    return out;
  }

  /** Sums, on the owner, every tower's partial gradient of the owner's input slice. */
  private Tensor reduce(int owner, List<CompletableFuture<List<Tensor>>> pieces) {
    Tensor sum = sums.get(owner);
    backend.copy(Towers.join(pieces.get(owner)).get(owner), sum);
    for (int s = 0; s < pieces.size(); s++) {
      if (s != owner) {
        backend.copy(Towers.join(pieces.get(s)).get(owner), partials[owner][s]);
        backend.add(partials[owner][s], sum);
      }
    }
    return sum;
  }

  @Override
  public List<Parameter> parameters(int tower) {
    return inner.get(tower).parameters();
  }

  @Override
  public void close() {
    inner.forEach(Layer::close);
    concats.forEach(ChannelConcatPlan::close);
    for (Tensor[] row : received) {
      for (Tensor t : row) {
        if (t != null) {
          t.close();
        }
      }
    }
    for (Tensor[] row : partials) {
      for (Tensor t : row) {
        if (t != null) {
          t.close();
        }
      }
    }
    sums.forEach(Tensor::close);
  }
}
