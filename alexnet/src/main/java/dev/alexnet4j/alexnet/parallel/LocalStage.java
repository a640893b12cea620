package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A layer that works on each tower's own channel slice and needs nothing from the other towers:
 * ReLU, max pooling, flatten, dropout, and grouped convolution or LRN whose groups are a multiple
 * of the tower count. No exchange: each tower's work starts as soon as its own input is ready.
 */
final class LocalStage implements Stage {
  private final String name;
  private final Towers towers;
  private final List<Layer> layers;

  /**
   * @param layers one per tower, built on that tower's device for its slice
   */
  LocalStage(String name, Towers towers, List<Layer> layers) {
    this.name = name;
    this.towers = towers;
    this.layers = List.copyOf(layers);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<CompletableFuture<Tensor>> forward(
      List<CompletableFuture<Tensor>> inputs, Pass pass) {
    List<CompletableFuture<Tensor>> out = new ArrayList<>(layers.size());
    for (int t = 0; t < layers.size(); t++) {
      Layer layer = layers.get(t);
      out.add(towers.then(inputs.get(t), t, name, x -> layer.forward(x, pass)));
    }
    return out;
  }

  @Override
  public List<CompletableFuture<Tensor>> backward(List<CompletableFuture<Tensor>> gradients) {
    List<CompletableFuture<Tensor>> out = new ArrayList<>(layers.size());
    for (int t = 0; t < layers.size(); t++) {
      Layer layer = layers.get(t);
      out.add(towers.then(gradients.get(t), t, name + ":backward", layer::backward));
    }
    return out;
  }

  @Override
  public List<Parameter> parameters(int tower) {
    return layers.get(tower).parameters();
  }

  @Override
  public void close() {
    layers.forEach(Layer::close);
  }
}
