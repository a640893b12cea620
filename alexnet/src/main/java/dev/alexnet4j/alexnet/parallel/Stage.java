package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One layer of a split network, on every tower. Inputs and outputs are per-tower futures of the
 * tower's channel slice; a stage chains its work onto them and returns at once.
 */
interface Stage extends AutoCloseable {
  String name();

  List<CompletableFuture<Tensor>> forward(List<CompletableFuture<Tensor>> inputs, Pass pass);

  /**
   * Chains the backward pass; returns the per-tower gradients of the input slices, or null for a
   * first layer, which computes none.
   */
  List<CompletableFuture<Tensor>> backward(List<CompletableFuture<Tensor>> outputGradients);

  /** The parameter slices tower {@code tower} owns, in the layer's order. */
  List<Parameter> parameters(int tower);

  @Override
  void close();
}
