package dev.alexnet4j.api.layers;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.LayerDeclaration;
import dev.alexnet4j.api.layer.LayerFactory;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/** Type {@code flatten}: [N, C, H, W] to [N, C*H*W], as a view: no data moves. */
public final class FlattenLayer extends PlanLayer<FlattenLayer.Views> {
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

  private FlattenLayer(String name, Shape input, Shape output, Backend backend) {
    super(name, input, output, new Views(backend));
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return plan.forward.view(plan.backend, x, outputShape());
  }

  @Override
  public Tensor backward(Tensor dy) {
    return plan.backward.view(plan.backend, dy, inputShape());
  }

  /**
   * The layer's "plan": views are cached per source tensor, since layers hand out the same tensor
   * every step.
   */
  static final class Views implements AutoCloseable {
    private final Backend backend;
    private final ViewCache forward = new ViewCache();
    private final ViewCache backward = new ViewCache();

    Views(Backend backend) {
      this.backend = backend;
    }

    @Override
    public void close() {
      forward.close();
      backward.close();
    }
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
