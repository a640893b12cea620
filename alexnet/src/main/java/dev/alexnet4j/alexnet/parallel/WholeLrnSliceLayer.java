package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.ChannelConcatPlan;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.backend.LrnPlan;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.Parameter;
import dev.alexnet4j.api.layer.Pass;
import dev.alexnet4j.api.tensor.Device;
import dev.alexnet4j.api.tensor.Shape;
import dev.alexnet4j.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * An LRN whose windows cross the split (groups not a multiple of the tower count, e.g. AlexNet's
 * lrn1 with groups = 1 over conv1's split channels): a channel near the cut needs its neighbours
 * from the other tower. Each tower normalises the whole gathered input and keeps its own slice; the
 * other slices' work is repeated on every tower, which costs one LRN per tower but keeps the
 * numbers of the unsplit layer exactly.
 *
 * <p>Backward: the tower's output gradient, zero elsewhere, goes through the whole LRN's backward,
 * giving this tower's share of the whole input gradient (summed over towers by {@link
 * GatherStage}).
 */
final class WholeLrnSliceLayer implements Layer {
  private final String name;
  private final Shape whole;
  private final int tower;
  private final LrnPlan lrn;
  // Used backward-only: cuts the whole output into the towers' slices.
  private final ChannelConcatPlan cut;
  // Pads this tower's output gradient with zero slices into a whole-output gradient.
  private final ChannelConcatPlan pad;
  private final List<Tensor> padParts;
  private final List<Tensor> zeros = new ArrayList<>();

  WholeLrnSliceLayer(
      String name,
      LrnParameters parameters,
      Backend backend,
      Device device,
      Shape whole,
      List<Shape> slices,
      int tower) {
    this.name = name;
    this.whole = whole;
    this.tower = tower;
    this.lrn = backend.lrn(device, whole, parameters);
    this.cut = backend.channelConcat(device, slices);
    this.pad = backend.channelConcat(device, slices);
    this.padParts = new ArrayList<>();
    for (int s = 0; s < slices.size(); s++) {
      Tensor zero = s == tower ? null : backend.zeros(device, slices.get(s));
      if (zero != null) {
        zeros.add(zero);
      }
      padParts.add(zero);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Shape inputShape() {
    return whole;
  }

  @Override
  public Shape outputShape() {
    return whole.withChannels(whole.channels() / padParts.size());
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return cut.backward(lrn.forward(x)).get(tower);
  }

  @Override
  public Tensor backward(Tensor dy) {
    List<Tensor> parts = new ArrayList<>(padParts);
    parts.set(tower, dy);
    return lrn.backward(pad.forward(parts));
  }

  @Override
  public void close() {
    lrn.close();
    cut.close();
    pad.close();
    zeros.forEach(Tensor::close);
  }
}
