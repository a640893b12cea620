package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.layer.LayerContext;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds a tower's layer with its slice of each parameter. Every slice of the split is a block of
 * rows (output channels or units) of the whole tensor, which row-major layout keeps contiguous: the
 * slice is drawn as the whole tensor is on one device, then cut, so a split network starts from the
 * same weights as the unsplit one.
 */
record SliceContext(
    Backend backend,
    Device device,
    long seed,
    boolean inputGradient,
    Map<String, ParameterSpec> whole,
    int tower,
    int towers)
    implements LayerContext {

  @Override
  public Parameter parameter(ParameterSpec slice) {
    ParameterSpec full = whole.get(slice.name());
    if (full == null || full.shape().size() != slice.shape().size() * towers) {
      throw new IllegalStateException(
          "parameter "
              + slice.name()
              + ": slice "
              + slice.shape()
              + " is not 1/"
              + towers
              + " of the whole "
              + (full == null ? "(none declared)" : full.shape()));
    }
    int length = Math.toIntExact(slice.shape().size());
    float[] values =
        Arrays.copyOfRange(full.initialValues(seed), tower * length, (tower + 1) * length);
    Tensor value = backend.upload(device, slice.shape(), values);
    return new Parameter(slice, value, backend.zeros(device, slice.shape()));
  }
}
