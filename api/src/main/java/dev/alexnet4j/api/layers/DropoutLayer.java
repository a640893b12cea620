package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * Type {@code dropout}: during training each unit is zeroed with probability {@code rate} and the
 * survivors scaled by 1 / (1 - rate) (inverted dropout: the paper's "multiply by 0.5 at test time"
 * moved into training, the same network); at inference it is the identity. The mask is the
 * counter-based one of {@link DropoutMask}, keyed by the layer's name, so it does not depend on
 * device split or backend.
 */
public final class DropoutLayer extends PlanLayer<DropoutPlan> {
  public static final String TYPE = "dropout";

  /** The declaration of a dropout layer. */
  public record Spec(String name, float rate) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      if (input.rank() < 2) {
        throw new IllegalArgumentException("needs a batched input, got " + input);
      }
      return input;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      DropoutGeometry geometry =
          new DropoutGeometry(
              rate, DropoutMask.layerId(name), input.channels(), 0, context.batchOffset());
      return new DropoutLayer(
          name, input, context.backend().dropout(context.device(), input, geometry));
    }

    /**
     * The layer on one device's channel slice of the whole output (the model-parallel split): the
     * mask is keyed by each unit's index in the whole output, so the split drops the same units.
     *
     * @param slice this device's part, channels {@code [channelOffset, channelOffset +
     *     slice.channels())} of {@code totalChannels}
     */
    public Layer slice(
        Backend backend, Device device, Shape slice, int totalChannels, int channelOffset) {
      return slice(backend, device, slice, totalChannels, channelOffset, 0);
    }

    /**
     * The layer on a channel slice for rows {@code [batchOffset, batchOffset + slice.batch())} of
     * the whole batch (a split net that is itself one data-parallel rank).
     */
    public Layer slice(
        Backend backend,
        Device device,
        Shape slice,
        int totalChannels,
        int channelOffset,
        int batchOffset) {
      DropoutGeometry geometry =
          new DropoutGeometry(
              rate, DropoutMask.layerId(name), totalChannels, channelOffset, batchOffset);
      return new DropoutLayer(name, slice, backend.dropout(device, slice, geometry));
    }
  }

  /** Reads {@code rate}. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      double rate = d.number("rate");
      if (!(rate >= 0 && rate < 1)) {
        throw d.error("rate", "must be in [0, 1), got " + rate);
      }
      return new Spec(d.name(), (float) rate);
    }
  }

  private boolean lastWasTraining;

  private DropoutLayer(String name, Shape input, DropoutPlan plan) {
    super(name, input, input, plan);
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    lastWasTraining = pass.training();
    return pass.training() ? plan.forward(x, pass.seed(), pass.step()) : x;
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (!lastWasTraining) {
      throw new IllegalStateException(
          "dropout layer '" + name() + "': backward after an inference forward");
    }
    return plan.backward(dy);
  }
}
