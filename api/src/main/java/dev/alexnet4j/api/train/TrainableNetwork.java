package dev.alexnet4j.api.train;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.SgdHyperparameters;
import dev.alexnet4j.api.checkpoint.NpyArray;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Trainer} and the {@link Evaluator} drive: a network ending in a loss, with its
 * optimizer, on one device ({@link SingleDeviceNetwork}) or spread over several (the model-, data-
 * and hybrid-parallel networks of the {@code alexnet} module). Data crosses this boundary on the
 * host, a batch at a time, so the trainer never needs to know where the tensors live.
 *
 * <p>Parameters and optimizer state are always seen whole, by name, in layer order ({@code
 * conv1.weight}, ...), however they are split: a checkpoint written by one arrangement loads into
 * any other.
 */
public interface TrainableNetwork extends AutoCloseable {
  /** The batched input shape; every call takes exactly one batch of it. */
  Shape inputShape();

  /** The number of classes the loss layer scores. */
  int classes();

  /**
   * One forward pass.
   *
   * @param images {@code inputShape().size()} values, NCHW
   * @return the class probabilities, {@code batch x classes}, row-major
   */
  float[] forward(float[] images, Pass pass);

  /** The batch-mean loss of the last forward. */
  float loss(int[] labels);

  /** Backpropagates the loss of the last forward into every parameter's gradient. */
  void backward(int[] labels);

  /** One SGD-with-momentum update of every parameter from the gradients of the last backward. */
  void update(SgdHyperparameters hyperparameters);

  /** The backend its tensors live on. */
  Backend backend();

  /**
   * Every parameter gradient this arrangement applies, each stored once (the owner's combined
   * gradient of replicated parameters, every slice of split ones), in an order that is the same in
   * every process that builds the same arrangement: what an allreduce across processes exchanges
   * (see {@code api.distributed.GradientBuffer}). Overwriting them changes what {@link #update}
   * applies.
   */
  List<Tensor> gradients();

  /** Every parameter's whole value, by name, in layer order. */
  Map<String, NpyArray> parameters();

  /** Every parameter's whole SGD velocity, under the parameter's name. */
  Map<String, NpyArray> velocities();

  /**
   * Overwrites values and velocities with whole tensors (from a checkpoint of any arrangement). The
   * caller has checked that names and shapes fit.
   */
  void restore(Map<String, NpyArray> parameters, Map<String, NpyArray> velocities);

  /**
   * The first layer, from the loss down, with a parameter gradient that is NaN or infinite after
   * the last backward; null when all are finite.
   */
  NonFiniteValue firstNonFiniteGradient();

  /**
   * For a loss that is not finite: the first layer, from the input up, whose output or parameters
   * hold NaN or infinity; null when none is found.
   */
  NonFiniteValue firstNonFiniteLayer();

  @Override
  void close();
}
