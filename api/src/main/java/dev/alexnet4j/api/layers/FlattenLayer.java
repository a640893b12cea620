package dev.alexnet4j.api.layers;

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

/** Type {@code flatten}: [N, C, H, W] to [N, C*H*W], as a view: no data moves. */
public final class FlattenLayer implements Layer {
  public static final String TYPE = "flatten";

  /** The declaration of a flatten layer; it has no settings. */
  public record Spec(String name) implements LayerSpec {
    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(input.batch(), (int) input.sampleSize());
    }

    @Override
    public Layer build(LayerContext context, Shape input) {
      return new FlattenLayer(name, input, outputShape(input), context.backend());
    }
  }

  /** Reads nothing but the name. */
  public static final class Factory implements LayerFactory {
    @Override
    public LayerSpec create(LayerDeclaration d) {
      return new Spec(d.name());
    }
  }

  private final String name;
  private final Shape input;
  private final Shape output;
  private final Backend backend;
  // Views are cached per source tensor: layers hand out the same tensor every step.
  private final ViewCache forwardViews = new ViewCache();
  private final ViewCache backwardViews = new ViewCache();

  private FlattenLayer(String name, Shape input, Shape output, Backend backend) {
    this.name = name;
    this.input = input;
    this.output = output;
    this.backend = backend;
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
    return output;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return forwardViews.view(backend, x, output);
  }

  @Override
  public Tensor backward(Tensor dy) {
    return backwardViews.view(backend, dy, input);
  }

  @Override
  public void close() {
    forwardViews.close();
    backwardViews.close();
  }

  /** The last view made, reused while the source tensor is the same object. */
  private static final class ViewCache implements AutoCloseable {
    private Tensor source;
    private Tensor view;

    Tensor view(Backend backend, Tensor tensor, Shape shape) {
      if (tensor != source) {
        close();
        source = tensor;
        view = backend.reshape(tensor, shape);
      }
      return view;
    }

    @Override
    public void close() {
      if (view != null) {
        view.close();
        view = null;
        source = null;
      }
    }
  }
}
