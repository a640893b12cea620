package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.DropoutGeometry;
import dev.alexnet4j.api.backend.DropoutMask;
import dev.alexnet4j.api.backend.DropoutPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.List;

/**
 * Dropout on one tower's channel slice. The mask is keyed by each unit's index in the whole layer
 * output ({@link DropoutGeometry} with the slice's channel offset), so it drops the same units as
 * the unsplit layer: train-mode runs compare across splits.
 */
final class SlicedDropoutLayer implements Layer {
  private final String name;
  private final Shape input;
  private final DropoutPlan plan;
  private boolean lastWasTraining;

  SlicedDropoutLayer(
      String name, float rate, Backend backend, Device device, Shape slice, int total, int offset) {
    this.name = name;
    this.input = slice;
    this.plan =
        backend.dropout(
            device, slice, new DropoutGeometry(rate, DropoutMask.layerId(name), total, offset));
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
    return input;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
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
          "dropout layer '" + name + "': backward after an inference forward");
    }
    return plan.backward(dy);
  }

  @Override
  public void close() {
    plan.close();
  }
}
