package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.PoolingGeometry;
import dev.alexnet4j.api.backend.PoolingPlan;
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
 * Type {@code maxpool}: max pooling; the paper's overlapping pooling is kernel 3, stride 2 (section
 * 3.4), which it found 0.4% better in top-1 than non-overlapping 2/2.
 */
public final class MaxPoolLayer implements Layer {
  public static final String TYPE = "maxpool";

  /** The declaration of a max-pooling layer. */
  public record Spec(String name, PoolingGeometry geometry) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      return geometry.outputShape(input);
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new MaxPoolLayer(
          name, input, context.backend().maxPooling(context.device(), input, geometry));
    }
  }

  /** Reads {@code kernel}, {@code stride} and {@code padding}. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      int kernel = d.positive("kernel");
      int stride = d.positive("stride");
      int padding = d.nonNegative("padding");
      if (padding >= kernel) {
        throw d.error("padding", "must be < kernel (" + kernel + "), got " + padding);
      }
      return new Spec(d.name(), new PoolingGeometry(kernel, stride, padding));
    }
  }

  private final String name;
  private final Shape input;
  private final PoolingPlan plan;

  private MaxPoolLayer(String name, Shape input, PoolingPlan plan) {
    this.name = name;
    this.input = input;
    this.plan = plan;
  }

  @Override
  public String name() {
    return name;
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
    return List.of();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return plan.forward(x);
  }

  @Override
  public Tensor backward(Tensor dy) {
    return plan.backward(dy);
  }

  @Override
  public void close() {
    plan.close();
  }
}
