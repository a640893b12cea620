package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.DensePlan;
import dev.alexnet4j.api.layer.Initializer;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Type {@code dense}: a fully connected layer y = x W^T + b (the paper's fc6, fc7, fc8), W of shape
 * [units, in] as in PyTorch and cuDNN, drawn from N(0, weight-std^2). An NCHW input is read as [N,
 * C*H*W] without a separate flatten.
 */
public final class DenseLayer implements Layer {
  public static final String TYPE = "dense";

  /** The declaration of a dense layer. */
  public record Spec(String name, int units, boolean bias, double weightStd, double biasInit)
      implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      if (input.rank() < 2) {
        throw new IllegalArgumentException("needs a batched input, got " + input);
      }
      return Shape.of(input.batch(), units);
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      int in = Math.toIntExact(input.sampleSize());
      List<ParameterSpec> specs = new ArrayList<>(2);
      specs.add(
          new ParameterSpec(
              name + ".weight", Shape.of(units, in), new Initializer.Gaussian(0, weightStd)));
      if (bias) {
        specs.add(
            new ParameterSpec(name + ".bias", Shape.of(units), new Initializer.Constant(biasInit)));
      }
      return specs;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new DenseLayer(this, context, input);
    }
  }

  /** Reads {@code units}, {@code bias}, {@code weight-std} and {@code bias-init}. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      return new Spec(
          d.name(),
          d.positive("units"),
          d.bool("bias"),
          d.number("weight-std"),
          d.number("bias-init"));
    }
  }

  private final Spec spec;
  private final Shape input;
  private final Shape output;
  private final DensePlan plan;
  private final Parameter weight;
  private final Parameter bias;

  private DenseLayer(Spec spec, LayerContext context, Shape input) {
    this.spec = spec;
    this.input = input;
    this.output = spec.outputShape(input);
    List<ParameterSpec> params = spec.parameters(input);
    this.weight = context.parameter(params.get(0));
    this.bias = spec.bias() ? context.parameter(params.get(1)) : null;
    this.plan =
        context
            .backend()
            .dense(
                context.device(),
                input.batch(),
                Math.toIntExact(input.sampleSize()),
                spec.units(),
                context.inputGradient());
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
    return output;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return plan.forward(x, weight.value(), bias == null ? null : bias.value());
  }

  @Override
  public Tensor backward(Tensor dy) {
    return plan.backward(dy, weight.gradient(), bias == null ? null : bias.gradient());
  }

  @Override
  public void close() {
    plan.close();
    weight.close();
    if (bias != null) {
      bias.close();
    }
  }
}
