package dev.alexnet4j.api.layer;

import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;

/**
 * A learned parameter on a device: its value and the gradient its layer's backward writes. The
 * optimizer keeps its own state (momentum) beside it.
 */
public final class Parameter implements AutoCloseable {
  private final ParameterSpec spec;
  private final Tensor value;
  private final Tensor gradient;

  public Parameter(ParameterSpec spec, Tensor value, Tensor gradient) {
    if (!value.shape().equals(spec.shape()) || !gradient.shape().equals(spec.shape())) {
      throw new IllegalArgumentException(
          "parameter "
              + spec.name()
              + " is "
              + spec.shape()
              + " but got value "
              + value.shape()
              + " and gradient "
              + gradient.shape());
    }
    this.spec = spec;
    this.value = value;
    this.gradient = gradient;
  }

  public String name() {
    return spec.name();
  }

  public Shape shape() {
    return spec.shape();
  }

  public ParameterSpec spec() {
    return spec;
  }

  public Tensor value() {
    return value;
  }

  public Tensor gradient() {
    return gradient;
  }

  @Override
  public void close() {
    value.close();
    gradient.close();
  }
}
