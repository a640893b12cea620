package dev.alexnet4j.experiments;

import dev.alexnet4j.api.backend.Backend;
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
 * Layer type {@code scale}: y = factor x, from the SPI's {@code copy} and {@code scale}, so on
 * every backend. The four-layer net of relu-vs-tanh starts with it to bring mean-subtracted 0..255
 * pixels to about unit scale: a tanh net fed pixels of that size starts saturated, and a ReLU net
 * with its first weights made small enough to avoid that diverges at the project's learning rate
 * (the gradient of conv1 grows with the pixels). Added by {@link ScaleModule} as a user's layer is.
 */
public final class ScaleLayer implements Layer {
  public static final String TYPE = "scale";

  /** The declaration: {@code factor} from the entry (required). */
  public record Spec(String name, float factor) implements LayerSpec {
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
      return new ScaleLayer(this, context, input);
    }
  }

  /** Reads {@code factor}, which must be positive and finite. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      double factor = d.number("factor");
      if (!(factor > 0 && Double.isFinite(factor))) {
        throw d.error("factor", "must be a positive number, got " + factor);
      }
      return new Spec(d.name(), (float) factor);
    }
  }

  private final Spec spec;
  private final Shape input;
  private final Backend backend;
  private final Tensor output;
  private final Tensor inputGradient;

  private ScaleLayer(Spec spec, LayerContext context, Shape input) {
    this.spec = spec;
    this.input = input;
    this.backend = context.backend();
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
    backend.copy(x, output);
    backend.scale(output, spec.factor());
    return output;
  }

  @Override
  public Tensor backward(Tensor dy) {
    backend.copy(dy, inputGradient);
    backend.scale(inputGradient, spec.factor());
    return inputGradient;
  }

  @Override
  public void close() {
    output.close();
    inputGradient.close();
  }
}
