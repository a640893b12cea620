package dev.alexnet4j.api.backend;

/**
 * One step of the paper's update rule (docs/PAPER.md):
 *
 * <pre>
 * v &lt;- momentum * v - weightDecay * lr * w - lr * dL/dw
 * w &lt;- w + v
 * </pre>
 */
public record SgdHyperparameters(float learningRate, float momentum, float weightDecay) {
  public SgdHyperparameters {
    if (!(learningRate >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "SGD needs lr, momentum and weight decay >= 0; got "
              + learningRate
              + ", "
              + momentum
              + ", "
              + weightDecay);
    }
  }
}
