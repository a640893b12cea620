package dev.alexnet4j.backend.nd4j.integration;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ElementwisePlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * A user's layer, written as a user would: type {@code leaky-relu}, y = max(x, slope * x), built
 * from SPI ops only (relu, copy, scale, axpy) as y = (1 - slope) relu(x) + slope x, so it runs on
 * every backend. It lives outside the framework and is added by {@link LeakyReluModule}.
 */
public final class LeakyReluLayer implements Layer {
  public static final String TYPE = "leaky-relu";

  /** The declaration: {@code slope} from the entry or from layer-defaults.leaky-relu. */
  public record Spec(String name, float slope) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new LeakyReluLayer(this, context, input);
    }
  }

  /** Reads {@code slope}. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      double slope = d.number("slope");
      if (!(slope >= 0 && slope < 1)) {
        throw d.error("slope", "must be in [0, 1), got " + slope);
      }
      return new Spec(d.name(), (float) slope);
    }
  }

  private final Spec spec;
  private final Shape input;
  private final Backend backend;
  private final ElementwisePlan relu;
  private final Tensor output;
  private final Tensor inputGradient;

  private LeakyReluLayer(Spec spec, LayerContext context, Shape input) {
    this.spec = spec;
    this.input = input;
    this.backend = context.backend();
    this.relu = backend.relu(context.device(), input);
    this.output = backend.zeros(context.device(), input);
    this.inputGradient = backend.zeros(context.device(), input);
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Shape inputShape() {
    return input;
  }

  @Override
  public Shape outputShape() {
    return input;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    backend.copy(relu.forward(x), output);
    backend.scale(output, 1 - spec.slope());
    backend.axpy(spec.slope(), x, output);
    return output;
  }

  @Override
  public Tensor backward(Tensor dy) {
    // d/dx [(1 - s) relu(x) + s x] = (1 - s) [x > 0] + s
    backend.copy(relu.backward(dy), inputGradient);
    backend.scale(inputGradient, 1 - spec.slope());
    backend.axpy(spec.slope(), dy, inputGradient);
    return inputGradient;
  }

  @Override
  public void close() {
    relu.close();
    output.close();
    inputGradient.close();
  }
}
