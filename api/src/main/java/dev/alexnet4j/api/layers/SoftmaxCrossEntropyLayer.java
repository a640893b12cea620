package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.SoftmaxCrossEntropyPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.LossLayer;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * Type {@code softmax-cross-entropy}: the paper's multinomial logistic regression objective. Its
 * forward gives class probabilities; the loss is the batch mean of -log p[label] and its gradient
 * with respect to the logits is (p - onehot(label)) / N.
 */
public final class SoftmaxCrossEntropyLayer extends PlanLayer<SoftmaxCrossEntropyPlan>
    implements LossLayer {
  public static final String TYPE = "softmax-cross-entropy";

  /** The declaration of the loss; it has no settings. */
  public record Spec(String name) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      if (input.rank() != 2) {
        throw new IllegalArgumentException("needs [N, classes] logits, got " + input);
      }
      return input;
    }

    @Override
    public boolean isLoss() {
      return true;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      outputShape(input);
      return new SoftmaxCrossEntropyLayer(
          name,
          input,
          context.backend().softmaxCrossEntropy(context.device(), input.batch(), input.channels()));
    }
  }

  /** Reads nothing but the name. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      return new Spec(d.name());
    }
  }

  private SoftmaxCrossEntropyLayer(String name, Shape input, SoftmaxCrossEntropyPlan plan) {
    super(name, input, input, plan);
  }

  @Override
  public Tensor forward(Tensor logits, Pass pass) {
    return plan.forward(logits);
  }

  @Override
  public float loss(int[] labels) {
    checkLabels(labels);
    return plan.loss(labels);
  }

  @Override
  public Tensor backward(int[] labels) {
    checkLabels(labels);
    return plan.backward(labels);
  }

  private void checkLabels(int[] labels) {
    int batch = inputShape().batch();
    if (labels.length != batch) {
      throw new IllegalArgumentException(
          "loss '" + name() + "': " + labels.length + " labels for a batch of " + batch);
    }
    int classes = inputShape().channels();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "loss '"
                + name()
                + "': label "
                + labels[i]
                + " of sample "
                + i
                + " is outside [0, "
                + classes
                + ")");
      }
    }
  }
}
