package dev.alexnet4j.alexnet.parallel;

import dev.alexnet4j.api.backend.Backend;
import dev.alexnet4j.api.backend.LrnParameters;
import dev.alexnet4j.api.layer.Layer;
import dev.alexnet4j.api.layer.LayerSpec;
import dev.alexnet4j.api.layer.LossLayer;
import dev.alexnet4j.api.layer.ParameterSpec;
import dev.alexnet4j.api.layers.ConvolutionLayer;
import dev.alexnet4j.api.layers.DenseLayer;
import dev.alexnet4j.api.layers.DropoutLayer;
import dev.alexnet4j.api.layers.FlattenLayer;
import dev.alexnet4j.api.layers.LrnLayer;
import dev.alexnet4j.api.layers.MaxPoolLayer;
import dev.alexnet4j.api.layers.ReluLayer;
import dev.alexnet4j.api.network.NetworkSpec;
import dev.alexnet4j.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives the towers from a network declaration, as the paper splits AlexNet over two GPUs: every
 * conv and dense layer's output channels (units) are cut into equal contiguous slices, one per
 * tower. A layer whose groups are a multiple of the tower count (conv2, conv4, conv5, lrn2) reads
 * only its own tower's slice; a conv or dense layer with groups = 1 (conv1 on the data, conv3, fc6,
 * fc7, fc8) gathers every slice first. ReLU, pooling, flatten and dropout act on each slice.
 *
 * <p>Flatten acts per slice too: the slices are channel blocks, and flattening [N, C/n, H, W] then
 * concatenating the towers' rows gives the order c * H * W + h * W + w of the unsplit flatten, so
 * fc6 sees the unsplit feature order.
 */
final class TowerSplitter {
  private final Backend backend;
  private final Towers towers;
  private final long seed;
  private final int n;
  private final List<Stage> stages = new ArrayList<>();
  private final Map<String, ParameterSpec> whole = new LinkedHashMap<>();

  private Shape shape;
  private boolean replicated = true;
  private boolean first = true;
  private final boolean inputGradient;
  private final int batchOffset;
  private OutputStage output;

  /** What the split made: the stages in order, the output, and each parameter's whole shape. */
  record Split(List<Stage> stages, OutputStage output, Map<String, ParameterSpec> whole) {}

  private TowerSplitter(
      Backend backend, Towers towers, long seed, boolean inputGradient, int batchOffset) {
    this.inputGradient = inputGradient;
    this.batchOffset = batchOffset;
    this.backend = backend;
    this.towers = towers;
    this.seed = seed;
    this.n = towers.count();
  }

  /**
   * @param batchOffset where the batch starts in a larger one (a data-parallel rank), for dropout
   * @param inputGradient whether the first layer computes a gradient of the input (per tower, a
   *     partial of the whole input): for a split net that continues another network
   */
  static Split split(
      NetworkSpec spec,
      Backend backend,
      Towers towers,
      int batch,
      int batchOffset,
      long seed,
      boolean inputGradient) {
    TowerSplitter splitter = new TowerSplitter(backend, towers, seed, inputGradient, batchOffset);
    try {
      splitter.shape = spec.input().batchOf(batch);
      List<LayerSpec> layers = spec.layers();
      for (int i = 0; i < layers.size(); i++) {
        LayerSpec layer = layers.get(i);
        if (layer.isLoss() && i != layers.size() - 1) {
          throw splitter.error(layer, "a loss must be the last layer");
        }
        splitter.add(layer);
      }
      if (splitter.output == null) {
        splitter.output = new OutputStage(backend, towers, splitter.slices(), null);
      }
      return new Split(
          List.copyOf(splitter.stages),
          splitter.output,
          Collections.unmodifiableMap(splitter.whole));
    } catch (RuntimeException e) {
      splitter.stages.forEach(Stage::close);
      if (splitter.output != null) {
        splitter.output.close();
      }
      throw e;
    }
  }

  private void add(LayerSpec layer) {
    if (layer.isLoss()) {
      requireSplit(layer);
      LossLayer loss = (LossLayer) layer.build(context(0, false), shape);
      output = new OutputStage(backend, towers, slices(), loss);
      return;
    }
    for (ParameterSpec p : layer.parameters(shape)) {
      whole.put(p.name(), p);
    }
    Shape next = layer.outputShape(shape);
    if (layer instanceof ConvolutionLayer.Spec c) {
      divisible(layer, c.filters(), "filters");
      ConvolutionLayer.Spec perTower =
          new ConvolutionLayer.Spec(
              c.name(),
              c.filters() / n,
              c.kernel(),
              c.stride(),
              c.padding(),
              c.groups() == 1 ? 1 : c.groups() / n,
              c.bias(),
              c.weightStd(),
              c.biasInit());
      if (c.groups() == 1) {
        gathering(layer, perTower);
      } else if (c.groups() % n == 0 && !replicated) {
        local(layer, t -> perTower.build(context(t, true), slice()));
      } else {
        throw error(
            layer,
            "groups = "
                + c.groups()
                + " can be split over "
                + n
                + " devices only as 1 (a full layer) or a multiple of "
                + n
                + " after a split layer");
      }
    } else if (layer instanceof DenseLayer.Spec d) {
      divisible(layer, d.units(), "units");
      gathering(
          layer,
          new DenseLayer.Spec(d.name(), d.units() / n, d.bias(), d.weightStd(), d.biasInit()));
    } else if (layer instanceof LrnLayer.Spec l) {
      requireSplit(layer);
      LrnParameters p = l.parameters();
      if (p.groups() % n == 0) {
        LrnLayer.Spec perTower =
            new LrnLayer.Spec(
                l.name(), new LrnParameters(p.size(), p.alpha(), p.beta(), p.k(), p.groups() / n));
        local(layer, t -> perTower.build(context(t, true), slice()));
      } else {
        // Windows cross the cut: each tower normalises the gathered whole and keeps its slice.
        List<Layer> inner = new ArrayList<>();
        List<Shape> slices = slices();
        try {
          for (int t = 0; t < n; t++) {
            inner.add(
                new WholeLrnSliceLayer(l.name(), p, backend, towers.device(t), shape, slices, t));
          }
        } catch (RuntimeException e) {
          inner.forEach(Layer::close);
          throw e;
        }
        stages.add(new GatherStage(l.name(), backend, towers, inner, slices, false, true));
      }
    } else if (layer instanceof DropoutLayer.Spec d) {
      requireSplit(layer);
      Shape slice = slice();
      local(
          layer,
          t ->
              d.slice(
                  backend,
                  towers.device(t),
                  slice,
                  shape.channels(),
                  t * slice.channels(),
                  batchOffset));
    } else if (layer instanceof ReluLayer.Spec
        || layer instanceof MaxPoolLayer.Spec
        || layer instanceof FlattenLayer.Spec) {
      requireSplit(layer);
      local(layer, t -> layer.build(context(t, true), slice()));
    } else {
      throw error(
          layer,
          "the model-parallel split knows conv, dense, lrn, relu, maxpool, flatten, dropout and"
              + " softmax-cross-entropy; run this network on one device (alexnet4j.devices = [0])");
    }
    shape = next;
    divisible(layer, shape.channels(), "output channels");
  }

  /** A layer on the whole input that yields each tower's slice of the output. */
  private void gathering(LayerSpec layer, LayerSpec perTower) {
    List<Shape> slices = replicated ? null : slices();
    boolean inputGradient = !first || this.inputGradient;
    List<Layer> inner = new ArrayList<>();
    try {
      for (int t = 0; t < n; t++) {
        inner.add(perTower.build(context(t, inputGradient), shape));
      }
    } catch (RuntimeException e) {
      inner.forEach(Layer::close);
      throw e;
    }
    stages.add(
        new GatherStage(layer.name(), backend, towers, inner, slices, replicated, inputGradient));
    replicated = false;
    first = false;
  }

  private interface TowerLayer {
    Layer build(int tower);
  }

  private void local(LayerSpec layer, TowerLayer build) {
    List<Layer> layers = new ArrayList<>();
    try {
      for (int t = 0; t < n; t++) {
        layers.add(build.build(t));
      }
    } catch (RuntimeException e) {
      layers.forEach(Layer::close);
      throw e;
    }
    stages.add(new LocalStage(layer.name(), towers, layers));
    first = false;
  }

  private SliceContext context(int tower, boolean inputGradient) {
    return new SliceContext(backend, towers.device(tower), seed, inputGradient, whole, tower, n);
  }

  private Shape slice() {
    return shape.withChannels(shape.channels() / n);
  }

  private List<Shape> slices() {
    return Collections.nCopies(n, slice());
  }

  private void requireSplit(LayerSpec layer) {
    if (replicated) {
      throw error(
          layer,
          "comes before the first conv or dense layer; the split starts at a conv or dense layer"
              + " that reads the data");
    }
  }

  private void divisible(LayerSpec layer, int count, String what) {
    if (count % n != 0) {
      throw error(layer, what + " (" + count + ") must divide evenly over " + n + " devices");
    }
  }

  private IllegalArgumentException error(LayerSpec layer, String problem) {
    return new IllegalArgumentException(
        "layer '"
            + layer.name()
            + "' (type "
            + layer.type()
            + "): cannot split over devices "
            + towers.devices()
            + ": "
            + problem);
  }
}
