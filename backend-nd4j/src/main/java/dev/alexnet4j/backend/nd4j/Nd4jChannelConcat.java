package dev.alexnet4j.backend.nd4j;

import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.OpenPlans;
import dev.alexnet4j.api.backend.PlanChecks;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Concatenation along axis 1 by copying each part into a channel-slice view of the preallocated
 * output (the views are made once); backward copies the slices of the gradient into preallocated
 * part gradients.
 */
final class Nd4jChannelConcat implements ChannelConcatPlan, Nd4jPlan {
  private final Device device;
  private final List<Shape> parts;
  private final Shape outputShape;
  private final String where;
  private final INDArray output;
  private final Nd4jTensor outputTensor;
  private final INDArray[] outputSlices;
  private final INDArray[] partGrads;
  private final List<Tensor> partGradTensors;
  private final long[] offsets;

  // Slices of the caller's gradient, kept while the same gradient array comes back.
  private INDArray slicedGradient;
  private INDArray[] gradientSlices;
  private boolean closed;
  private OpenPlans openPlans;

  Nd4jChannelConcat(Device device, List<Shape> parts) {
    this.outputShape = PlanChecks.channelConcat("nd4j channel concat on " + device, parts);
    this.device = device;
    this.parts = List.copyOf(parts);
    this.where = "nd4j channel concat " + this.parts + " -> " + outputShape + " on " + device;
    this.output = Nd4jOps.create(outputShape);
    this.outputTensor = Nd4jTensor.borrowing(output, outputShape, device);
    this.outputSlices = new INDArray[parts.size()];
    this.partGrads = new INDArray[parts.size()];
    this.offsets = new long[parts.size() + 1];
    List<Tensor> grads = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      offsets[i + 1] = offsets[i] + parts.get(i).channels();
      outputSlices[i] = Nd4jSlices.range(output, 1, offsets[i], offsets[i + 1]);
      partGrads[i] = Nd4jOps.create(parts.get(i));
      grads.add(Nd4jTensor.borrowing(partGrads[i], parts.get(i), device));
    }
    this.partGradTensors = Collections.unmodifiableList(grads);
  }

  @Override
  public Tensor forward(List<Tensor> inputs) {
    checkOpen();
    if (inputs == null || inputs.size() != parts.size()) {
      throw new IllegalArgumentException(
          where
              + " forward: expected "
              + parts.size()
              + " parts, got "
              + (inputs == null ? "null" : inputs.size()));
    }
    for (int i = 0; i < parts.size(); i++) {
      INDArray part =
          Nd4jOps.array(inputs.get(i), device, parts.get(i), where + " forward", "part " + i);
      outputSlices[i].assign(part);
    }
    return outputTensor;
  }

  @Override
  public List<Tensor> backward(Tensor outputGradient) {
    checkOpen();
    INDArray dy =
        Nd4jOps.array(outputGradient, device, outputShape, where + " backward", "gradient");
    if (dy != slicedGradient) {
      gradientSlices = new INDArray[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        gradientSlices[i] = Nd4jSlices.range(dy, 1, offsets[i], offsets[i + 1]);
      }
      slicedGradient = dy;
    }
    for (int i = 0; i < parts.size(); i++) {
      partGrads[i].assign(gradientSlices[i]);
    }
    return partGradTensors;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(where + ": plan was closed");
    }
  }

  @Override
  public void reportCloseTo(OpenPlans plans) {
    this.openPlans = plans;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (openPlans != null) {
      openPlans.closed(this);
    }
    slicedGradient = null;
    gradientSlices = null;
    Nd4jTensor.free(output);
    for (INDArray g : partGrads) {
      Nd4jTensor.free(g);
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
