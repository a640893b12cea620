package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.ConvolutionGeometry;
import dev.alexnet4j.api.backend.ConvolutionPlan;
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
 * Type {@code conv}: a 2-D convolution with square kernel, stride, zero padding and groups, plus a
 * bias. With {@code groups = 2} it is the paper's "own GPU only" convolution (conv2, conv4, conv5):
 * each half of the output channels sees only its half of the input channels. Weights are [filters,
 * inC / groups, kernel, kernel], drawn from N(0, weight-std^2); the bias starts at bias-init.
 */
public final class ConvolutionLayer implements Layer {
  public static final String TYPE = "conv";

  /** The declaration of a convolution layer. */
  public record Spec(
      String name,
      int filters,
      int kernel,
      int stride,
      int padding,
      int groups,
      boolean bias,
      double weightStd,
      double biasInit)
      implements LayerSpec {

    @Override
    public String type() {
      return TYPE;
    }

    public ConvolutionGeometry geometry(Shape input) {
      if (input.rank() != 4) {
        throw new IllegalArgumentException("needs an NCHW input, got " + input);
      }
      if (input.channels() % groups != 0 || filters % groups != 0) {
        throw new IllegalArgumentException(
            "groups = "
                + groups
                + " must divide the input channels ("
                + input.channels()
                + ") and filters ("
                + filters
                + ")");
      }
      return ConvolutionGeometry.square(input.channels(), filters, kernel, stride, padding, groups);
    }

    @Override
    public Shape outputShape(Shape input) {
      return geometry(input).outputShape(input);
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      List<ParameterSpec> specs = new ArrayList<>(2);
      specs.add(
          new ParameterSpec(
              name + ".weight",
              geometry(input).weightShape(),
              new Initializer.Gaussian(0, weightStd)));
      if (bias) {
        specs.add(
            new ParameterSpec(
                name + ".bias", Shape.of(filters), new Initializer.Constant(biasInit)));
      }
      return specs;
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new ConvolutionLayer(this, context, input);
    }
  }

  /** Reads {@code filters}, {@code kernel}, {@code stride}, {@code padding}, {@code groups}, ... */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      return new Spec(
          d.name(),
          d.positive("filters"),
          d.positive("kernel"),
          d.positive("stride"),
          d.nonNegative("padding"),
          d.positive("groups"),
          d.bool("bias"),
          d.number("weight-std"),
          d.number("bias-init"));
    }
  }

  private final Spec spec;
  private final Shape input;
  private final ConvolutionPlan plan;
  private final Parameter weight;
  private final Parameter bias;

  private ConvolutionLayer(Spec spec, LayerContext context, Shape input) {
    this.spec = spec;
    this.input = input;
    List<ParameterSpec> params = spec.parameters(input);
    this.weight = context.parameter(params.get(0));
    this.bias = spec.bias() ? context.parameter(params.get(1)) : null;
    this.plan =
        context
            .backend()
            .convolution(context.device(), input, spec.geometry(input), context.inputGradient());
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
    return plan.outputShape();
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
